// Allocation-free program execution into a caller-owned variable array,
// for the generator's hot loops (dsl::run allocates a vector per call).
#pragma once

#include "dsl/program.h"

namespace npeps {

// Longest program the generator handles (variables live on the stack).
inline constexpr int kMaxGeneratedLength = 32;
inline constexpr int kMaxGeneratedVars = kMaxInputs + kMaxGeneratedLength;

// Runs `p` with vars[0..k) already holding the inputs; fills vars[k..).
// Returns Ok, or the failing statement's status (its index in *failed_at
// when given). Precondition: check(p) passed, p.num_vars() <= capacity of vars.
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

}  // namespace npeps
