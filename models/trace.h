// Teacher-forced training states (PCCoder's "program state" supervision):
// replaying a reference program statement by statement in the 11-slot
// memory, and recording before each statement what the model must predict.
// Torch-free.
//
// Slot convention (shared with the search, search/beam_search.*):
//  - inputs occupy slots 0..k-1 (k = number of inputs);
//  - a statement's result is written to the LOWEST-INDEX UNOCCUPIED slot;
//    with no drops, statement i therefore lands in slot k+i, exactly as in
//    PCCoder (vars appended in order);
//  - only when all 11 slots are occupied does a statement overwrite one:
//    at search time the slot picked by the drop head, in these traces the
//    LOWEST-INDEX DROPPABLE slot of that step (PCCoder picks a random
//    droppable one; a fixed choice keeps traces deterministic).
// A slot is droppable at step t when it is unoccupied, or when the variable
// it holds is not an argument of statement t or of any later statement
// (PCCoder's drop target).
#pragma once

#include <array>
#include <stdexcept>
#include <vector>

#include "dsl/program.h"
#include "dsl/statement_space.h"
#include "search/policy.h"

namespace npeps {

// A program/examples pair that cannot be traced: the program is invalid,
// fails or disagrees with an example, or needs more than 11 live variables.
struct TraceError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The memory before one statement, and that statement's targets.
struct TraceStep {
  // Slot values, slot-major like PartialProgram: slots[s * E + e].
  std::vector<Value> slots;
  std::array<bool, kNumSlots> occupied{};
  std::array<Type, kNumSlots> slot_types{};
  int depth = 0;  // statements executed before this one

  StatementIndex statement = 0;             // target in the 1,298 space (slot arguments)
  OperatorId op = 0;                        // target operator (auxiliary head)
  std::array<bool, kNumSlots> droppable{};  // drop-head target (1 = droppable)
  int write_slot = 0;                       // slot the statement's result is written to
};

struct TaskTrace {
  int num_examples = 0;
  std::vector<Value> outputs;    // target output per example
  std::vector<TraceStep> steps;  // one per statement of the program

  // The state before step t as the model sees it (views into this trace).
  PartialProgram state(std::size_t t) const;
};

// Replays `program` on `examples` (1..10 of them) in slot form.
// Throws TraceError (with the reason) when it cannot be traced.
TaskTrace build_trace(const Program& program, const std::vector<Example>& examples);

}  // namespace npeps
