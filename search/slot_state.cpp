#include "search/slot_state.h"

#include <algorithm>

namespace npeps {

int SlotMeta::first_free() const {
  for (int s = 0; s < kNumSlots; ++s)
    if (!occupied[s]) return s;
  return kNoSlot;
}

void SlotArena::reset(int num_examples, std::size_t capacity) {
  num_examples_ = num_examples;
  size_ = 0;
  if (meta_.size() < capacity) meta_.resize(capacity);
  const std::size_t values = capacity * stride();
  if (values_.size() < values) values_.resize(values);
}

void SlotArena::push_root(const std::vector<Example>& examples) {
  const std::size_t i = size_++;
  SlotMeta& m = meta_[i];
  m = SlotMeta{};
  const int k = static_cast<int>(examples.front().inputs.size());
  Value* out = values_.data() + i * stride();
  std::fill(out, out + stride(), Value{});
  for (int s = 0; s < k; ++s) {
    m.occupied[s] = true;
    m.types[s] = examples.front().inputs[s].type();
    m.var[s] = static_cast<VarIndex>(s);
    for (int e = 0; e < num_examples_; ++e) out[s * num_examples_ + e] = examples[e].inputs[s];
  }
  m.num_occupied = static_cast<std::uint8_t>(k);
}

SlotMeta& SlotArena::push_child(const SlotArena& parents, std::size_t parent, int target,
                                std::span<const Value> values, Type type, VarIndex var) {
  const std::size_t i = size_++;
  SlotMeta& m = meta_[i];
  m = parents.meta(parent);
  if (!m.occupied[target]) {
    m.occupied[target] = true;
    ++m.num_occupied;
  }
  m.types[target] = type;
  m.var[target] = var;
  m.newest = static_cast<std::uint8_t>(target);
  const std::span<const Value> src = parents.slots(parent);
  Value* out = values_.data() + i * stride();
  std::copy(src.begin(), src.end(), out);
  std::copy(values.begin(), values.end(), out + static_cast<std::size_t>(target) * num_examples_);
  return m;
}

PartialProgram SlotArena::view(std::size_t i, std::span<const Value> outputs, int depth) const {
  PartialProgram p;
  p.num_examples = num_examples_;
  p.slots = slots(i);
  p.occupied = meta_[i].occupied;
  p.slot_types = meta_[i].types;
  p.outputs = outputs;
  p.depth = depth;
  return p;
}

}  // namespace npeps
