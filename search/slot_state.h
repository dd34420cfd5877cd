// The slot form of a partial program, as PCCoder's search keeps it: 11
// variable slots (kNumSlots), inputs in slots 0..k-1, each new statement
// written to the first free slot or, once all are full, over a slot the
// policy chose to drop. SlotArena stores one beam step's entries in flat,
// reusable buffers so a beam step allocates nothing once warmed up.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "dsl/program.h"
#include "dsl/statement_space.h"
#include "search/policy.h"

namespace npeps {

inline constexpr std::uint32_t kNoTrace = std::numeric_limits<std::uint32_t>::max();
inline constexpr std::uint8_t kNoSlot = 0xff;

// Everything about an entry except its slot values.
struct SlotMeta {
  double score = 0;  // sum of the statements' log-probabilities (0 at the root)
  std::uint32_t trace =
      kNoTrace;  // the search's record of the last statement (kNoTrace at the root)
  std::uint8_t newest = kNoSlot;  // slot written by the last statement (kNoSlot at the root)
  std::uint8_t num_occupied = 0;  // occupied slots, 0..kNumSlots
  std::array<bool, kNumSlots> occupied{};
  std::array<Type, kNumSlots> types{};    // static type of each occupied slot
  std::array<VarIndex, kNumSlots> var{};  // program variable held by each occupied slot

  bool full() const { return num_occupied == kNumSlots; }
  // Lowest unoccupied slot; kNoSlot when full.
  int first_free() const;
};

// One beam step's entries: metadata plus kNumSlots * num_examples values
// each, slot-major (value(i, s, e) = values[i][s * num_examples + e]).
// Not thread-safe. Entries are only appended; clear() keeps the capacity.
class SlotArena {
 public:
  // Drops all entries and sets the example count; grows the buffers (never
  // shrinks them) to hold `capacity` entries without reallocating.
  void reset(int num_examples, std::size_t capacity);
  void clear() { size_ = 0; }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return meta_.size(); }
  int num_examples() const { return num_examples_; }

  // Appends the root: example inputs in slots 0..k-1, variable v in slot v.
  // Precondition: size() < capacity(); examples share input count and types.
  void push_root(const std::vector<Example>& examples);

  // Appends a copy of parents' entry `parent` with slot `target` overwritten
  // by `values` (num_examples values, one per example) holding a variable
  // of type `type` numbered `var`. Returns the new entry's metadata for the
  // caller to finish (score, trace). Precondition: size() < capacity().
  SlotMeta& push_child(const SlotArena& parents, std::size_t parent, int target,
                       std::span<const Value> values, Type type, VarIndex var);

  const SlotMeta& meta(std::size_t i) const { return meta_[i]; }
  SlotMeta& meta(std::size_t i) { return meta_[i]; }
  // The entry's kNumSlots * num_examples values, slot-major.
  std::span<const Value> slots(std::size_t i) const {
    return {values_.data() + i * stride(), stride()};
  }
  const Value& value(std::size_t i, int slot, int example) const {
    return values_[i * stride() + static_cast<std::size_t>(slot) * num_examples_ + example];
  }

  // A view of entry i for the policy; valid until this arena is next modified.
  PartialProgram view(std::size_t i, std::span<const Value> outputs, int depth) const;

 private:
  std::size_t stride() const { return static_cast<std::size_t>(kNumSlots) * num_examples_; }

  int num_examples_ = 0;
  std::size_t size_ = 0;
  std::vector<SlotMeta> meta_;  // sized to capacity
  std::vector<Value> values_;   // sized to capacity * stride
};

}  // namespace npeps
