// The enumerator's operator order from a policy (search/policy_order.h).
#include "search/policy_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "dsl/statement_space.h"
#include "search/enumerator.h"
#include "tests/search/beam_test_policies.h"

namespace npeps {
namespace {

using test::stmt;
using F = Function;
using L = Lambda;

// Uniform, but every statement of one function gets a higher (the same)
// log-probability, and those of another a lower one.
class FavourPolicy final : public Policy {
 public:
  FavourPolicy(Function up, Function down) : up_(up), down_(down) {}
  void evaluate(std::span<const PartialProgram> batch, PolicyOutput& out) override {
    inner_.evaluate(batch, out);
    calls_ += 1;
    for (std::size_t i = 0; i < batch.size(); ++i)
      for (int s = 0; s < kNumStatements; ++s) {
        const Function f = op(statement_at(s).op).function;
        float& lp = out.statement_logprob[i * kNumStatements + s];
        if (f == up_) lp = -0.5f;
        if (f == down_) lp = -1e9f;
      }
  }
  int calls_ = 0;

 private:
  Function up_, down_;
  UniformPolicy inner_;
};

std::vector<Example> reverse_task() {
  const Program p{{Type::List}, {stmt(F::Reverse, L::None, 0)}};
  return test::examples_of(p, {{Value::list({1, 2, 3})}, {Value::list({5, -4})}});
}

TEST(PolicyOrder, RanksOperatorsByTheirBestStatement) {
  FavourPolicy policy(F::Sort, F::Reverse);
  const std::vector<OperatorId> order = operators_by_policy(reverse_task(), policy);
  EXPECT_EQ(policy.calls_, 1);
  ASSERT_EQ(order.size(), static_cast<std::size_t>(kNumOperators));
  EXPECT_EQ(std::set<OperatorId>(order.begin(), order.end()).size(), order.size());
  EXPECT_EQ(op(order.front()).function, F::Sort);
  EXPECT_EQ(op(order.back()).function, F::Reverse);
  // Ties keep id order.
  EXPECT_TRUE(std::is_sorted(order.begin() + 1, order.end() - 1));
}

TEST(PolicyOrder, TheEnumeratorStillFindsWhatThePolicyRanksLast) {
  const auto ex = reverse_task();
  FavourPolicy policy(F::Sort, F::Reverse);
  EnumeratorOptions o;
  o.operator_order = operators_by_policy(ex, policy);
  const SearchResult ranked_last = enumerate(ex, o, {});
  ASSERT_TRUE(ranked_last.solved());
  EXPECT_EQ(ranked_last.program->statements.size(), 1u);
  FavourPolicy right(F::Reverse, F::Sort);
  o.operator_order = operators_by_policy(ex, right);
  const SearchResult ranked_first = enumerate(ex, o, {});
  ASSERT_TRUE(ranked_first.solved());
  EXPECT_LT(ranked_first.stats.nodes, ranked_last.stats.nodes);
}

TEST(PolicyOrder, UsedOperatorsComeFirstMostUsedLeading) {
  const OperatorId sort = stmt(F::Sort, L::None, 0).op, rev = stmt(F::Reverse, L::None, 0).op,
                   sum = stmt(F::Sum, L::None, 0).op;
  const std::vector<Program> pe = {
      Program{{Type::List}, {stmt(F::Sort, L::None, 0), stmt(F::Reverse, L::None, 1)}},
      Program{{Type::List}, {stmt(F::Sort, L::None, 0), stmt(F::Sum, L::None, 1)}}};
  std::vector<OperatorId> reversed = id_order();
  std::reverse(reversed.begin(), reversed.end());
  const std::vector<OperatorId> out = used_operators_first(pe, reversed);
  ASSERT_EQ(out.size(), reversed.size());
  EXPECT_EQ(out[0], sort);  // used twice
  // Reverse and Sum, used once each, in the given order's order.
  const bool rev_first = std::find(reversed.begin(), reversed.end(), rev) <
                         std::find(reversed.begin(), reversed.end(), sum);
  EXPECT_EQ(out[1], rev_first ? rev : sum);
  EXPECT_EQ(out[2], rev_first ? sum : rev);
  // The rest: the given order without those three.
  std::vector<OperatorId> rest;
  for (OperatorId id : reversed)
    if (id != sort && id != rev && id != sum) rest.push_back(id);
  EXPECT_EQ(std::vector<OperatorId>(out.begin() + 3, out.end()), rest);
  // No programs: the order unchanged.
  EXPECT_EQ(used_operators_first({}, reversed), reversed);
}

TEST(PolicyOrder, AProgramThatUsesThePESolutionsOperatorsIsFoundSooner) {
  // The policy ranks REVERSE last; a PE solution that uses it (for one
  // example) brings it to the front, and the enumerator finds the task's
  // program in fewer nodes.
  const auto ex = reverse_task();
  FavourPolicy wrong(F::Sort, F::Reverse);
  const std::vector<Program> pe = {
      Program{{Type::List}, {stmt(F::Reverse, L::None, 0), stmt(F::Head, L::None, 1)}}};
  EnumeratorOptions o;
  o.operator_order = operators_by_policy(ex, wrong);
  const SearchResult by_policy = enumerate(ex, o, {});
  o.operator_order = used_operators_first(pe, operators_by_policy(ex, wrong));
  const SearchResult informed = enumerate(ex, o, {});
  ASSERT_TRUE(by_policy.solved() && informed.solved());
  EXPECT_LT(informed.stats.nodes, by_policy.stats.nodes);
  EXPECT_EQ(*informed.program, *by_policy.program);
}

TEST(PolicyOrder, InterleavingKeepsEveryOperatorNearItsBestPosition) {
  // The policy order reversed against id order: the two disagree most.
  std::vector<OperatorId> reversed = id_order();
  std::reverse(reversed.begin(), reversed.end());
  const std::vector<OperatorId> ids = id_order();
  const std::vector<OperatorId> hedge = interleave_orders(reversed, ids);
  ASSERT_EQ(hedge.size(), ids.size());
  EXPECT_EQ(std::set<OperatorId>(hedge.begin(), hedge.end()).size(), ids.size());
  EXPECT_EQ(hedge[0], reversed[0]);
  EXPECT_EQ(hedge[1], ids[0]);
  const auto position = [](const std::vector<OperatorId>& order, OperatorId id) {
    return static_cast<std::size_t>(std::find(order.begin(), order.end(), id) - order.begin());
  };
  for (OperatorId id : ids) {
    const std::size_t best = std::min(position(reversed, id), position(ids, id));
    EXPECT_LE(position(hedge, id), 2 * best + 1) << int(id);
  }
  // The same order twice is that order.
  EXPECT_EQ(interleave_orders(ids, ids), ids);
}

TEST(PolicyOrder, AHedgedOrderFindsWhatEitherOrderFindsQuickly) {
  // The policy ranks REVERSE last; interleaved with id order the
  // enumerator still reaches it within about twice id order's nodes.
  const auto ex = reverse_task();
  FavourPolicy wrong(F::Sort, F::Reverse);
  EnumeratorOptions o;
  const SearchResult by_id = enumerate(ex, o, {});
  o.operator_order = operators_by_policy(ex, wrong);
  const SearchResult by_policy = enumerate(ex, o, {});
  o.operator_order = interleave_orders(operators_by_policy(ex, wrong), id_order());
  const SearchResult hedged = enumerate(ex, o, {});
  ASSERT_TRUE(by_id.solved() && by_policy.solved() && hedged.solved());
  EXPECT_LT(hedged.stats.nodes, by_policy.stats.nodes);
  EXPECT_LE(hedged.stats.nodes, 2 * by_id.stats.nodes + 1);
}

}  // namespace
}  // namespace npeps
