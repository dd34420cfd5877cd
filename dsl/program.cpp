#include "dsl/program.h"

namespace npeps {

Type Program::var_type(int v) const {
  if (v < static_cast<int>(inputs.size())) return inputs[v];
  return op(statements[v - inputs.size()].op).result;
}

void check(const Program& p) {
  if (p.inputs.empty()) throw ProgramError("a program needs at least one input");
  if (p.inputs.size() > kMaxInputs) throw ProgramError("a program has at most 3 inputs");
  const int k = static_cast<int>(p.inputs.size());
  for (std::size_t i = 0; i < p.statements.size(); ++i) {
    const Statement& s = p.statements[i];
    if (s.op >= kNumOperators)
      throw ProgramError("statement " + std::to_string(i + 1) + ": unknown operator");
    const Operator& o = op(s.op);
    for (int a = 0; a < o.arity; ++a) {
      const int v = s.args[a];
      if (v >= k + static_cast<int>(i))
        throw ProgramError("statement " + std::to_string(i + 1) + " (" + operator_name(s.op) +
                           "): argument " + std::to_string(a + 1) + " refers to variable " +
                           std::to_string(v) + ", which is not defined before it");
      if (p.var_type(v) != o.args[a])
        throw ProgramError("statement " + std::to_string(i + 1) + " (" + operator_name(s.op) +
                           "): argument " + std::to_string(a + 1) + " must be " +
                           type_name(o.args[a]) + " but variable " + std::to_string(v) + " is " +
                           type_name(p.var_type(v)));
    }
  }
}

RunResult run(const Program& p, const std::vector<Value>& inputs) {
  // Programs are short; a small vector of inline values is cheap enough here.
  // The search layer uses its own incremental storage instead.
  std::vector<Value> vars(inputs);
  vars.resize(p.num_vars());
  RunResult r;
  const std::size_t k = inputs.size();
  for (std::size_t i = 0; i < p.statements.size(); ++i) {
    const Statement& s = p.statements[i];
    const Value& a = vars[s.args[0]];
    const Value& b = op(s.op).arity == 2 ? vars[s.args[1]] : a;
    const EvalStatus st = apply(s.op, a, b, vars[k + i]);
    if (st != EvalStatus::Ok) {
      r.status = st;
      r.failed_at = static_cast<int>(i);
      return r;
    }
  }
  if (!p.statements.empty()) r.output = vars.back();
  return r;
}

bool satisfies(const Program& p, const std::vector<Example>& examples) {
  for (const Example& e : examples) {
    if (!inputs_match(p, e.inputs)) return false;
    const RunResult r = run(p, e.inputs);
    if (r.status != EvalStatus::Ok || r.output != e.output) return false;
  }
  return true;
}

bool inputs_match(const Program& p, const std::vector<Value>& inputs) {
  if (inputs.size() != p.inputs.size()) return false;
  for (std::size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].is_null() || inputs[i].type() != p.inputs[i]) return false;
  return true;
}

}  // namespace npeps
