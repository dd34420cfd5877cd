#include "models/encoding.h"

#include <algorithm>
#include <cassert>

namespace npeps {

void EncodedBatch::resize(int b, int e) {
  batch = b;
  examples = e;
  tokens.resize(static_cast<std::size_t>(b) * e * kStateWidth);
  example_count.resize(b);
}

void encode_value(const Value& v, bool occupied, std::int16_t* out) {
  std::int16_t* values = out + 1;
  int n = 0;
  if (!occupied || v.is_null()) {
    out[0] = 0;
  } else if (v.is_int()) {
    out[0] = 1;
    values[0] = static_cast<std::int16_t>(v.data[0] - kIntMin);
    n = 1;
  } else {
    out[0] = 2;
    n = v.size;
    for (int i = 0; i < n; ++i) values[i] = static_cast<std::int16_t>(v.data[i] - kIntMin);
  }
  std::fill(values + n, values + kMaxListLength, static_cast<std::int16_t>(kPadToken));
}

void encode_state(const PartialProgram& p, int width_examples, std::int16_t* out) {
  assert(p.num_examples <= width_examples);
  const int ne = p.num_examples;
  for (int e = 0; e < width_examples; ++e) {
    std::int16_t* ex = out + static_cast<std::size_t>(e) * kStateWidth;
    if (e >= ne) {
      for (int v = 0; v < kStateVars; ++v) encode_value(Value{}, false, ex + v * kSlotWidth);
      continue;
    }
    for (int s = 0; s < kNumSlots; ++s)
      encode_value(p.slots[s * ne + e], p.occupied[s], ex + s * kSlotWidth);
    encode_value(p.outputs[e], true, ex + kNumSlots * kSlotWidth);
  }
}

void encode_batch(std::span<const PartialProgram> batch, EncodedBatch& out) {
  int width = 1;
  for (const PartialProgram& p : batch) width = std::max(width, p.num_examples);
  out.resize(static_cast<int>(batch.size()), width);
  const std::size_t stride = static_cast<std::size_t>(width) * kStateWidth;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    encode_state(batch[i], width, out.tokens.data() + i * stride);
    out.example_count[i] = static_cast<std::int16_t>(batch[i].num_examples);
  }
}

}  // namespace npeps
