// The distinct variables of a batch of encoded states (torch-free).
//
// The PCCoder network encodes each of a state's 12 variables (11 slots +
// output) on each example by the same function of its tokens, then mixes
// them linearly per slot in every dense layer. In a batch many of these
// (slot, value) pairs repeat: an empty slot is the same everywhere, and the
// states of one search step share their task's inputs and output. The
// network therefore encodes each distinct (slot, tokens) pair once, an
// "instance", and sums the instances' contributions per example row
// (models/state_encoder.h). Rows of padding examples (past a state's
// example count) are left out altogether.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "models/encoding.h"

namespace npeps {

// Token rows of the fused embedding table: value token t at list position j
// is row t * kMaxListLength + j (so the table's value rows are one matrix
// product [tokens, positions * V] read as rows, without a copy); type code c
// is row kTypeRowBase + c.
inline constexpr std::int64_t kTypeRowBase = std::int64_t{kMaxListLength} * kNumValueTokens;
inline constexpr std::int64_t kVarTableRows = kTypeRowBase + 3;

struct VarInstances {
  std::int64_t rows = 0;  // real (state, example) rows
  // instances x kSlotWidth table rows (type row first, then the 20 value rows).
  std::vector<std::int64_t> table_rows;
  // Instances are grouped by slot: slot v's are [slot_start[v], slot_start[v + 1]).
  std::array<std::int64_t, kStateVars + 1> slot_start{};
  std::vector<std::int64_t> row_instances;  // rows x kStateVars instance ids
  std::vector<std::int64_t> row_state;      // rows: the state each row belongs to
  std::int64_t instances() const { return slot_start[kStateVars]; }
};

// Builds the instances of `batch` states x `examples` examples of tokens
// (batch x examples x kStateVars x kSlotWidth, as EncodedBatch) with
// counts[b] real examples each (1..examples). Reuses `out`'s storage.
void build_var_instances(const std::int64_t* tokens, const std::int64_t* counts, std::int64_t batch,
                         std::int64_t examples, VarInstances& out);
// The same from int16 tokens (EncodedBatch's own type: no conversion).
void build_var_instances(const std::int16_t* tokens, const std::int64_t* counts, std::int64_t batch,
                         std::int64_t examples, VarInstances& out);

}  // namespace npeps
