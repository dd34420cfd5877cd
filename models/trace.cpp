#include "models/trace.h"

#include <string>

namespace npeps {

PartialProgram TaskTrace::state(std::size_t t) const {
  const TraceStep& s = steps.at(t);
  PartialProgram p;
  p.num_examples = num_examples;
  p.slots = s.slots;
  p.occupied = s.occupied;
  p.slot_types = s.slot_types;
  p.outputs = outputs;
  p.depth = s.depth;
  return p;
}

TaskTrace build_trace(const Program& program, const std::vector<Example>& examples) {
  try {
    check(program);
  } catch (const ProgramError& e) {
    throw TraceError(std::string("invalid program: ") + e.what());
  }
  const int num_ex = static_cast<int>(examples.size());
  if (num_ex < 1 || num_ex > 10)
    throw TraceError("a task needs 1 to 10 examples, got " + std::to_string(num_ex));
  for (int e = 0; e < num_ex; ++e)
    if (!inputs_match(program, examples[e].inputs))
      throw TraceError("example " + std::to_string(e + 1) +
                       ": inputs do not match the program's input types");

  const int k = static_cast<int>(program.inputs.size());
  const int n = static_cast<int>(program.statements.size());
  // last_use[v]: index of the last statement reading variable v (-1: none).
  std::vector<int> last_use(k + n, -1);
  for (int t = 0; t < n; ++t) {
    const Statement& s = program.statements[t];
    for (int a = 0; a < op(s.op).arity; ++a) last_use[s.args[a]] = t;
  }

  TaskTrace trace;
  trace.num_examples = num_ex;
  trace.outputs.reserve(num_ex);
  for (const Example& ex : examples) trace.outputs.push_back(ex.output);

  std::vector<Value> slots(kNumSlots * num_ex);
  std::array<bool, kNumSlots> occupied{};
  std::array<Type, kNumSlots> types{};
  std::array<int, kNumSlots> slot_var;
  slot_var.fill(-1);
  std::vector<int> var_slot(k + n, -1);
  for (int i = 0; i < k; ++i) {
    occupied[i] = true;
    types[i] = program.inputs[i];
    slot_var[i] = i;
    var_slot[i] = i;
    for (int e = 0; e < num_ex; ++e) slots[i * num_ex + e] = examples[e].inputs[i];
  }

  trace.steps.reserve(n);
  std::vector<Value> results(num_ex);
  for (int t = 0; t < n; ++t) {
    const Statement& s = program.statements[t];
    const Operator& o = op(s.op);
    TraceStep step;
    step.slots = slots;
    step.occupied = occupied;
    step.slot_types = types;
    step.depth = t;
    step.op = s.op;

    Statement slot_form{s.op, {0, 0}};
    for (int a = 0; a < o.arity; ++a) {
      // Arguments are never dropped before their last use (see droppable).
      slot_form.args[a] = static_cast<VarIndex>(var_slot[s.args[a]]);
    }
    step.statement = *statement_index(slot_form);

    int first_free = -1, first_droppable = -1;
    for (int sl = 0; sl < kNumSlots; ++sl) {
      step.droppable[sl] = !occupied[sl] || last_use[slot_var[sl]] < t;
      if (!occupied[sl] && first_free < 0) first_free = sl;
      if (step.droppable[sl] && first_droppable < 0) first_droppable = sl;
    }
    step.write_slot = first_free >= 0 ? first_free : first_droppable;
    if (step.write_slot < 0)
      throw TraceError("statement " + std::to_string(t + 1) +
                       ": all 11 slots hold variables still needed (program too wide)");

    for (int e = 0; e < num_ex; ++e) {
      const Value& a = slots[slot_form.args[0] * num_ex + e];
      const Value& b = o.arity == 2 ? slots[slot_form.args[1] * num_ex + e] : a;
      const EvalStatus st = apply(s.op, a, b, results[e]);
      if (st != EvalStatus::Ok)
        throw TraceError("statement " + std::to_string(t + 1) + " fails on example " +
                         std::to_string(e + 1) + ": " + to_string(st));
    }
    const int w = step.write_slot;
    if (slot_var[w] >= 0) var_slot[slot_var[w]] = -1;
    slot_var[w] = k + t;
    var_slot[k + t] = w;
    occupied[w] = true;
    types[w] = o.result;
    for (int e = 0; e < num_ex; ++e) slots[w * num_ex + e] = results[e];
    trace.steps.push_back(std::move(step));
  }

  if (n > 0) {
    for (int e = 0; e < num_ex; ++e)
      if (results[e] != examples[e].output)
        throw TraceError("the program's output on example " + std::to_string(e + 1) +
                         " differs from the example's output");
  }
  return trace;
}

}  // namespace npeps
