// The interface the search needs from a model: given a batch of partial
// programs, score the next statement (over the 1,298-statement space) and
// the variable slots (for the garbage collector). Torch-free on purpose:
// models/ implements it; the search and its tests never see torch.
#pragma once

#include <array>
#include <span>
#include <vector>

#include "dsl/statement_space.h"
#include "dsl/value.h"

namespace npeps {

// A partial program in slot form, as the model sees it. Views only: the
// caller owns the storage and keeps it alive during Policy::evaluate.
struct PartialProgram {
  int num_examples = 0;
  // Slot values, slot-major: slots[s * num_examples + e]. Unoccupied
  // slots hold NULL (occupied slots may hold NULL too, e.g. HEAD of []).
  std::span<const Value> slots;
  std::array<bool, kNumSlots> occupied{};
  std::array<Type, kNumSlots> slot_types{};  // meaningful where occupied
  std::span<const Value> outputs;            // target output per example
  int depth = 0;                             // statements taken so far
};

// Scores for a batch, row-major.
struct PolicyOutput {
  std::vector<float> statement_logprob;  // batch x kNumStatements, log-probabilities
  std::vector<float> drop_logit;         // batch x kNumSlots, higher = safer to overwrite
};

class Policy {
 public:
  virtual ~Policy() = default;
  // Scores every program of the batch in one call (implementations batch
  // the model call). Not required to be thread-safe: use one per thread.
  virtual void evaluate(std::span<const PartialProgram> batch, PolicyOutput& out) = 0;
};

// Every statement equally likely; every slot equally droppable. Needs no model.
class UniformPolicy final : public Policy {
 public:
  void evaluate(std::span<const PartialProgram> batch, PolicyOutput& out) override;
};

}  // namespace npeps
