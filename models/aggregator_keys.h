// The cross aggregator's keys and values for one task (N-PEPS, Sec. 3.2):
// every PE solution is replayed, in slot form, on EVERY example of the task
// (the paper's default key, "N-PEPS" / key_type sij); the state before each
// statement is a key, and that statement (slot form, 0..1297) is its value.
// The one function here builds them for training and for inference alike.
// Torch-free.
//
// A PE program found for one example may fail on another (NULL input or a
// value out of range). Then the keys on that example stop after the failing
// statement: the state before it and the statement itself are still well
// defined, later states are not. A program needing more than 11 live
// variables is cut at the first statement that has no slot. The reference
// code instead drops the whole (program, example) pair in training and
// inserts a zero key in inference; here both paths share this rule.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "dsl/program.h"
#include "dsl/statement_space.h"
#include "models/pccoder_net.h"
#include "search/policy.h"

namespace npeps {

// A PE solution as the aggregator sees it.
struct PEProgram {
  Program program;
  double score = 0;  // fraction of the task's examples it satisfies (N-PEPS's solution score)
};

// The slot form of a program's statements (the 1,298-space index of each),
// with the slot convention of models/trace.h (first free slot, else the
// lowest droppable one). Example-independent. Stops early at the first
// statement that has no slot (more than 11 live variables); empty when the
// program is invalid.
std::vector<StatementIndex> slot_form_statements(const Program& program);

// Single-example key states of one task, before embedding.
struct KeyStates {
  int count = 0;
  std::vector<Value> slots;  // count x kNumSlots values (one example each)
  std::vector<std::array<bool, kNumSlots>> occupied;
  std::vector<std::array<Type, kNumSlots>> types;
  std::vector<int> example;               // task example the key's state is on
  std::vector<int> solution;              // index into the PE solutions
  std::vector<int> step;                  // statement index within the PE program (position)
  std::vector<StatementIndex> statement;  // the value: that statement, slot form
  std::vector<double> score;              // the solution's score
  std::vector<Value> outputs;             // per task example: its output

  // Key i as a one-example partial program (views into this object).
  PartialProgram state(int i) const;
};

// Keys in order: solution, then example, then step. Solutions that are
// invalid or whose inputs do not match the examples give no keys.
KeyStates build_key_states(const std::vector<Example>& examples,
                           std::span<const PEProgram> solutions);

// Embedded keys, ready for the cross aggregator (host floats).
struct AggregatorKeys {
  int count = 0;                        // number of keys
  int dim = 0;                          // embedding width (the encoder's hidden_dim)
  std::vector<float> embedding;         // count x dim
  std::vector<std::int32_t> position;   // step index of each key
  std::vector<std::int32_t> statement;  // value: slot-form statement, 0..1297
  std::vector<std::int32_t> op;         // that statement's operator (auxiliary target)
  std::vector<float> score;             // its solution's score (N-PEPS+U)
};

// Embeds key states with `encoder` (the frozen key encoder), `chunk`
// states per forward pass.
AggregatorKeys embed_keys(const KeyStates& states, PCCoderNet& encoder, int chunk = 512);

// build_key_states + embed_keys: THE key construction of training and inference.
AggregatorKeys make_aggregator_keys(const std::vector<Example>& examples,
                                    std::span<const PEProgram> solutions, PCCoderNet& encoder);

}  // namespace npeps
