// Stand-in policies and program helpers for the beam search tests (no model).
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <span>
#include <vector>

#include "dsl/ops.h"
#include "dsl/program.h"
#include "dsl/statement_space.h"
#include "search/policy.h"

namespace npeps::test {

// A statement in variable form: function, lambda, argument variables.
inline Statement stmt(Function f, Lambda l, int a, int b = 0) {
  const std::optional<OperatorId> id = find_operator(f, l);
  EXPECT_TRUE(id.has_value());
  return Statement{*id, {static_cast<VarIndex>(a), static_cast<VarIndex>(b)}};
}

// Examples of `p` on the given input tuples. Asserts (via gtest) that
// every statement succeeds and produces a value new on some example, so
// no shorter prefix already solves the task and no step is a duplicate.
inline std::vector<Example> examples_of(const Program& p,
                                        const std::vector<std::vector<Value>>& inputs) {
  check(p);
  std::vector<Example> out;
  std::vector<std::vector<Value>> vars(inputs.size());
  for (std::size_t e = 0; e < inputs.size(); ++e) {
    vars[e] = inputs[e];
    for (const Statement& s : p.statements) {
      Value r;
      const Value& a = vars[e][s.args[0]];
      const Value& b = vars[e][op(s.op).arity == 2 ? s.args[1] : s.args[0]];
      EXPECT_EQ(apply(s.op, a, b, r), EvalStatus::Ok) << "statement fails on example " << e;
      vars[e].push_back(r);
    }
    out.push_back(Example{inputs[e], vars[e].back()});
  }
  const std::size_t k = p.inputs.size();
  for (std::size_t v = k; v < k + p.statements.size(); ++v)
    for (std::size_t w = 0; w < v; ++w) {
      bool same = true;
      for (std::size_t e = 0; e < inputs.size(); ++e) same = same && vars[e][v] == vars[e][w];
      EXPECT_FALSE(same) << "variable " << v << " repeats variable " << w;
    }
  return out;
}

// Records every call; scores like UniformPolicy.
class CountingPolicy final : public Policy {
 public:
  struct Call {
    std::size_t batch = 0;
    int depth = -1;  // the batch's depth, -1 if mixed
  };
  void evaluate(std::span<const PartialProgram> batch, PolicyOutput& out) override {
    Call c{batch.size(), batch.empty() ? -1 : batch[0].depth};
    for (const PartialProgram& p : batch)
      if (p.depth != c.depth) c.depth = -1;
    calls.push_back(c);
    inner_.evaluate(batch, out);
  }
  std::vector<Call> calls;

 private:
  UniformPolicy inner_;
};

// Knows a target program and, at depth d, puts probability 1 - eps on the
// target's statement d in slot form (the slots the search will have used
// if it followed the target so far) and names the slot to drop. With
// `good_drops` false it gives every slot the same drop logit, so the
// search overwrites slot 0 whenever memory is full.
class OraclePolicy final : public Policy {
 public:
  OraclePolicy(const Program& target, bool good_drops = true) : good_drops_(good_drops) {
    const int k = static_cast<int>(target.inputs.size());
    std::vector<int> slot_of(target.num_vars(), -1);  // variable -> slot
    std::array<int, kNumSlots> var_in{};              // slot -> variable, -1 free
    var_in.fill(-1);
    for (int v = 0; v < k; ++v) slot_of[v] = var_in[v] = v;
    const int n = static_cast<int>(target.statements.size());
    for (int i = 0; i < n; ++i) {
      const Statement& s = target.statements[i];
      const bool binary = op(s.op).arity == 2;
      Statement slot_form{s.op,
                          {static_cast<VarIndex>(slot_of[s.args[0]]),
                           static_cast<VarIndex>(binary ? slot_of[s.args[1]] : 0)}};
      int target_slot = -1;
      for (int sl = 0; sl < kNumSlots && target_slot < 0; ++sl)
        if (var_in[sl] < 0) target_slot = sl;
      int drop = -1;
      if (target_slot < 0) {
        // Lowest slot whose variable no statement from i on reads.
        for (int sl = 0; sl < kNumSlots && drop < 0; ++sl) {
          bool used = false;
          for (int j = i; j < n; ++j) {
            const Statement& t = target.statements[j];
            used =
                used || t.args[0] == var_in[sl] || (op(t.op).arity == 2 && t.args[1] == var_in[sl]);
          }
          if (!used) drop = sl;
        }
        EXPECT_GE(drop, 0) << "no droppable slot at statement " << i;
        target_slot = drop;
      }
      statements_.push_back(*statement_index(slot_form));
      drops_.push_back(drop);
      slot_of[k + i] = target_slot;
      var_in[target_slot] = k + i;
    }
  }

  void evaluate(std::span<const PartialProgram> batch, PolicyOutput& out) override {
    constexpr float kEps = 1e-3f;
    const float low = std::log(kEps / (kNumStatements - 1));
    out.statement_logprob.assign(batch.size() * kNumStatements, low);
    out.drop_logit.assign(batch.size() * kNumSlots, 0.0f);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const std::size_t d = static_cast<std::size_t>(batch[i].depth);
      if (d >= statements_.size()) continue;
      out.statement_logprob[i * kNumStatements + statements_[d]] = std::log(1 - kEps);
      if (good_drops_ && drops_[d] >= 0) out.drop_logit[i * kNumSlots + drops_[d]] = 5.0f;
    }
    ++calls;
  }

  int num_drops() const {
    int n = 0;
    for (int d : drops_) n += d >= 0;
    return n;
  }
  int calls = 0;

 private:
  bool good_drops_;
  std::vector<StatementIndex> statements_;  // target statement per depth, slot form
  std::vector<int> drops_;                  // slot to drop per depth, -1 when not full
};

// x -> 27x - 13, as 3(3(3x-1)-1)-1: six statements of two operators (MAP *3,
// MAP -1), far beyond what enumeration over every operator reaches cheaply.
// The examples are computed from the formula, not from the program.
inline const char* const kTimesThreeMinusOneThrice =
    "LIST|MAP,*3,0|MAP,-1,1|MAP,*3,2|MAP,-1,3|MAP,*3,4|MAP,-1,5";
inline std::vector<Example> times_three_minus_one_thrice() {
  std::vector<Example> ex(3);
  const std::vector<std::vector<int>> xs = {{1, 2, 3}, {0, -1, 5}, {2}};
  for (std::size_t i = 0; i < xs.size(); ++i) {
    std::vector<int> out;
    for (const int x : xs[i]) out.push_back(27 * x - 13);
    ex[i].inputs = {Value::list(xs[i])};
    ex[i].output = Value::list(out);
  }
  return ex;
}

}  // namespace npeps::test
