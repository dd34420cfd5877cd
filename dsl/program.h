// Straight-line DSL programs: input types plus statements over numbered
// variables (inputs 0..k-1, then statement i assigns variable k+i).
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "dsl/ops.h"
#include "dsl/value.h"

namespace npeps {

inline constexpr int kMaxInputs = 3;  // inputs a task may have

using VarIndex = std::uint8_t;

// One statement: an operator applied to variables. args[1] is 0 and
// ignored for arity-1 operators.
struct Statement {
  OperatorId op = 0;
  std::array<VarIndex, 2> args = {0, 0};
  friend bool operator==(const Statement& a, const Statement& b) {
    return a.op == b.op && a.args == b.args;
  }
};

struct Program {
  std::vector<Type> inputs;
  std::vector<Statement> statements;

  int num_vars() const { return static_cast<int>(inputs.size() + statements.size()); }
  // Static type of variable v (an input or a statement's result).
  Type var_type(int v) const;
  friend bool operator==(const Program& a, const Program& b) {
    return a.inputs == b.inputs && a.statements == b.statements;
  }
};

// A user error in a program: bad variable, wrong type, too many inputs.
struct ProgramError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws ProgramError unless every statement refers to earlier variables
// of the right types and there are 1..3 inputs.
void check(const Program& p);

// One input/output example.
struct Example {
  std::vector<Value> inputs;
  Value output;
};

struct RunResult {
  EvalStatus status = EvalStatus::Ok;  // Ok, or why statement `failed_at` failed
  int failed_at = -1;                  // index of the failing statement, or -1
  Value output;                        // last statement's value (NULL if none)
};

// Runs a checked program on one input tuple.
// Precondition: check(p) passed and inputs match p.inputs in number and type.
RunResult run(const Program& p, const std::vector<Value>& inputs);

// run() without allocation, for hot loops (the generator's): runs `p` with
// vars[0..k) already holding the k inputs and fills vars[k..). Returns Ok,
// or the failing statement's status (its index in *failed_at when given).
// Precondition: check(p) passed, vars holds at least p.num_vars() values.
inline EvalStatus run_into(const Program& p, Value* vars, int* failed_at = nullptr) {
  const int k = static_cast<int>(p.inputs.size());
  const int n = static_cast<int>(p.statements.size());
  for (int i = 0; i < n; ++i) {
    const Statement& s = p.statements[i];
    const Value& a = vars[s.args[0]];
    const Value& b = op(s.op).arity == 2 ? vars[s.args[1]] : a;
    const EvalStatus st = apply(s.op, a, b, vars[k + i]);
    if (st != EvalStatus::Ok) {
      if (failed_at) *failed_at = i;
      return st;
    }
  }
  return EvalStatus::Ok;
}

// True when the program runs without failing on every example and
// produces each example's output.
bool satisfies(const Program& p, const std::vector<Example>& examples);

// Whether the given input values have the program's input types.
bool inputs_match(const Program& p, const std::vector<Value>& inputs);

}  // namespace npeps
