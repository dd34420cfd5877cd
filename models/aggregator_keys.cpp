#include "models/aggregator_keys.h"

#include <algorithm>

#include "models/encoding.h"

namespace npeps {
namespace {

// The slot allocation of models/trace.h for every statement: slot-form
// statement and the slot written. Stops at the first statement without a slot.
struct SlotPlan {
  std::vector<StatementIndex> statement;
  std::vector<int> write_slot;
};

SlotPlan plan_slots(const Program& program) {
  SlotPlan plan;
  try {
    check(program);
  } catch (const ProgramError&) {
    return plan;
  }
  const int k = static_cast<int>(program.inputs.size());
  const int n = static_cast<int>(program.statements.size());
  std::vector<int> last_use(k + n, -1);
  for (int t = 0; t < n; ++t) {
    const Statement& s = program.statements[t];
    for (int a = 0; a < op(s.op).arity; ++a) last_use[s.args[a]] = t;
  }
  std::array<int, kNumSlots> slot_var;
  slot_var.fill(-1);
  std::vector<int> var_slot(k + n, -1);
  for (int i = 0; i < k; ++i) slot_var[i] = var_slot[i] = i;
  for (int t = 0; t < n; ++t) {
    const Statement& s = program.statements[t];
    Statement slot_form{s.op, {0, 0}};
    for (int a = 0; a < op(s.op).arity; ++a)
      slot_form.args[a] = static_cast<VarIndex>(var_slot[s.args[a]]);
    int first_free = -1, first_droppable = -1;
    for (int sl = 0; sl < kNumSlots; ++sl) {
      const bool occupied = slot_var[sl] >= 0;
      if (!occupied && first_free < 0) first_free = sl;
      if ((!occupied || last_use[slot_var[sl]] < t) && first_droppable < 0) first_droppable = sl;
    }
    const int w = first_free >= 0 ? first_free : first_droppable;
    if (w < 0) break;
    plan.statement.push_back(*statement_index(slot_form));
    plan.write_slot.push_back(w);
    if (slot_var[w] >= 0) var_slot[slot_var[w]] = -1;
    slot_var[w] = k + t;
    var_slot[k + t] = w;
  }
  return plan;
}

}  // namespace

std::vector<StatementIndex> slot_form_statements(const Program& program) {
  return plan_slots(program).statement;
}

PartialProgram KeyStates::state(int i) const {
  PartialProgram p;
  p.num_examples = 1;
  p.slots =
      std::span<const Value>(slots).subspan(static_cast<std::size_t>(i) * kNumSlots, kNumSlots);
  p.occupied = occupied[i];
  p.slot_types = types[i];
  p.outputs = std::span<const Value>(outputs).subspan(example[i], 1);
  p.depth = step[i];
  return p;
}

KeyStates build_key_states(const std::vector<Example>& examples,
                           std::span<const PEProgram> solutions) {
  KeyStates ks;
  for (const Example& e : examples) ks.outputs.push_back(e.output);
  for (std::size_t j = 0; j < solutions.size(); ++j) {
    const Program& p = solutions[j].program;
    const SlotPlan plan = plan_slots(p);
    if (plan.statement.empty()) continue;
    const int k = static_cast<int>(p.inputs.size());
    for (std::size_t e = 0; e < examples.size(); ++e) {
      if (!inputs_match(p, examples[e].inputs)) break;  // same types for every example
      std::array<Value, kNumSlots> slots{};
      std::array<bool, kNumSlots> occupied{};
      std::array<Type, kNumSlots> types{};
      for (int i = 0; i < k; ++i) {
        slots[i] = examples[e].inputs[i];
        occupied[i] = true;
        types[i] = p.inputs[i];
      }
      for (std::size_t t = 0; t < plan.statement.size(); ++t) {
        const StatementIndex si = plan.statement[t];
        ks.slots.insert(ks.slots.end(), slots.begin(), slots.end());
        ks.occupied.push_back(occupied);
        ks.types.push_back(types);
        ks.example.push_back(static_cast<int>(e));
        ks.solution.push_back(static_cast<int>(j));
        ks.step.push_back(static_cast<int>(t));
        ks.statement.push_back(si);
        ks.score.push_back(solutions[j].score);
        ++ks.count;
        const Statement& st = statement_at(si);
        const Operator& o = op(st.op);
        Value out;
        const Value& a = slots[st.args[0]];
        const Value& b = o.arity == 2 ? slots[st.args[1]] : a;
        if (apply(st.op, a, b, out) != EvalStatus::Ok) break;  // keys stop after a failure
        const int w = plan.write_slot[t];
        slots[w] = out;
        occupied[w] = true;
        types[w] = o.result;
      }
    }
  }
  return ks;
}

AggregatorKeys embed_keys(const KeyStates& states, PCCoderNet& encoder, int chunk) {
  AggregatorKeys keys;
  keys.count = states.count;
  keys.dim = encoder.options().hidden_dim;
  keys.embedding.reserve(static_cast<std::size_t>(states.count) * keys.dim);
  for (int i = 0; i < states.count; ++i) {
    keys.position.push_back(states.step[i]);
    keys.statement.push_back(states.statement[i]);
    keys.op.push_back(operator_of(states.statement[i]));
    keys.score.push_back(static_cast<float>(states.score[i]));
  }
  EncodedBatch enc;
  std::vector<PartialProgram> batch;
  std::vector<float> emb;
  chunk = std::max(chunk, 1);
  for (int lo = 0; lo < states.count; lo += chunk) {
    const int hi = std::min(states.count, lo + chunk);
    batch.clear();
    for (int i = lo; i < hi; ++i) batch.push_back(states.state(i));
    encode_batch(batch, enc);
    encoder.embed(enc, emb);
    keys.embedding.insert(keys.embedding.end(), emb.begin(), emb.end());
  }
  return keys;
}

AggregatorKeys make_aggregator_keys(const std::vector<Example>& examples,
                                    std::span<const PEProgram> solutions, PCCoderNet& encoder) {
  return embed_keys(build_key_states(examples, solutions), encoder);
}

}  // namespace npeps
