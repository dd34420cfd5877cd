// Integer encoding of partial programs for the PCCoder network (torch-free).
//
// Per example, the state is 12 "variables": the 11 slots, then the target
// output. Each becomes kSlotWidth tokens: a type code (0 NULL, 1 INT,
// 2 LIST; an unoccupied slot is NULL), then 20 value tokens: an integer x
// becomes x + 256 (0..511), an INT is a one-element list, and positions
// past the end hold kPadToken (512). This is PCCoder's encoding
// (dsl/value.py), with its 2-float type vector stored as one code.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "search/policy.h"

namespace npeps {

inline constexpr int kStateVars = kNumSlots + 1;             // 11 slots + output
inline constexpr int kSlotWidth = 1 + kMaxListLength;        // type code + 20 tokens
inline constexpr int kStateWidth = kStateVars * kSlotWidth;  // tokens per example
inline constexpr int kPadToken = kIntMax - kIntMin + 1;      // 512
inline constexpr int kNumValueTokens = kPadToken + 1;        // embedding rows: 513

// A batch of encoded states. `examples` is the widest state of the batch;
// narrower states are padded with NULL examples that the network masks out.
struct EncodedBatch {
  int batch = 0;     // number of states
  int examples = 0;  // example axis length (max over the batch)
  // batch x examples x kStateVars x kSlotWidth tokens.
  std::vector<std::int16_t> tokens;
  // Real examples per state (1..examples).
  std::vector<std::int16_t> example_count;

  // Resizes for `batch` states of up to `examples` examples; keeps capacity.
  void resize(int batch, int examples);
};

// Writes one value's kSlotWidth tokens.
void encode_value(const Value& v, bool occupied, std::int16_t* out);

// Writes a state's `width_examples` x kStateWidth tokens (examples past
// p.num_examples are NULL padding). Precondition: p.num_examples <= width_examples.
void encode_state(const PartialProgram& p, int width_examples, std::int16_t* out);

// Encodes a whole batch into `out`, reusing its storage (no allocation
// once it has grown to the largest batch).
void encode_batch(std::span<const PartialProgram> batch, EncodedBatch& out);

}  // namespace npeps
