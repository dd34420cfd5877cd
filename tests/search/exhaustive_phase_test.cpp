// The exhaustive phase before a guided search (search/exhaustive_phase.h).
#include "search/exhaustive_phase.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "dsl/parser.h"
#include "search/beam_search.h"
#include "search/enumerator.h"
#include "tests/search/beam_test_policies.h"

namespace npeps {
namespace {

using test::examples_of;
using test::stmt;
using F = Function;
using L = Lambda;

Value list(std::vector<int> xs) { return Value::list(xs); }

// Uniform, except that every TAKE statement is ranked last.
class TakeLastPolicy final : public Policy {
 public:
  void evaluate(std::span<const PartialProgram> batch, PolicyOutput& out) override {
    inner_.evaluate(batch, out);
    for (std::size_t i = 0; i < batch.size(); ++i)
      for (int s = 0; s < kNumStatements; ++s)
        if (op(statement_at(s).op).function == F::Take)
          out.statement_logprob[i * kNumStatements + s] = -1e9f;
  }

 private:
  UniformPolicy inner_;
};

// "The first k elements (k an INT input), sorted": two statements, the
// first of which the policy ranks last.
std::vector<Example> take_then_sort() {
  Program target{{Type::Int, Type::List},
                 {stmt(F::Take, L::None, 0, 1), stmt(F::Sort, L::None, 2)}};
  return examples_of(target, {{Value::integer(3), list({5, -1, 4, 9, 2})},
                              {Value::integer(2), list({7, 3, 8})},
                              {Value::integer(4), list({0, -5, 6, 1, -2, 3})},
                              {Value::integer(1), list({4, 2})},
                              {Value::integer(3), list({9, 8, 1, 0, 7})}});
}

TEST(ExhaustivePhase, FindsATwoStatementProgramThePolicyRanksLast) {
  const auto ex = take_then_sort();
  TakeLastPolicy policy;
  SearchLimits limits;
  limits.max_nodes = 5000;  // CAB alone needs ~18,000 nodes here (the width must reach TAKE)
  auto guided = [&](const SearchLimits& l) {
    return beam_search(ex, policy, BeamSearchOptions{}, l);
  };
  const SearchResult alone = guided(limits);
  EXPECT_FALSE(alone.solved()) << "the guided search alone should miss it within the budget; nodes "
                               << alone.stats.nodes << " checks " << alone.stats.checks;

  const SearchResult both = exhaustive_then(ex, limits, ExhaustivePhaseOptions{}, guided);
  ASSERT_TRUE(both.solved());
  EXPECT_TRUE(satisfies(*both.program, ex));
  EXPECT_EQ(both.program->statements.size(), 2u);
  EXPECT_EQ(both.stats.model_calls, 0u);  // found before the guided phase

  const SearchResult timed =
      exhaustive_then(ex, SearchLimits::with_timeout(5), ExhaustivePhaseOptions{}, guided);
  ASSERT_TRUE(timed.solved());
  EXPECT_LT(timed.stats.time_s, 1.0);
}

// A task no short program solves (a 20-element output from short inputs):
// the enumerator hands over and the guided search gets the rest.
std::vector<Example> unreachable() {
  std::vector<Example> ex(3);
  for (int i = 0; i < 3; ++i) {
    ex[i].inputs = {list({i, 2, -3})};
    ex[i].output = Value::list(std::vector<int>(kMaxListLength, 200 + i));
  }
  return ex;
}

TEST(ExhaustivePhase, UnderANodeBudgetTheGuidedSearchGetsTheNodesLeft) {
  SearchLimits limits;
  limits.max_nodes = 100000;
  ExhaustivePhaseOptions o;
  int calls = 0;
  std::uint64_t given = 0;
  const SearchResult r = exhaustive_then(unreachable(), limits, o, [&](const SearchLimits& l) {
    ++calls;
    given = l.max_nodes;
    return SearchResult{};
  });
  EXPECT_FALSE(r.solved());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(r.stats.nodes, static_cast<std::uint64_t>(std::ceil(100000 * o.partial_share)));
  EXPECT_EQ(given, limits.max_nodes - r.stats.nodes);
}

// Generous bounds only: these check the hand-overs, not the clock.
TEST(ExhaustivePhase, TheGuidedSearchGetsItsShareEarlyThenTheEnumeratorTheRest) {
  const SearchLimits limits = SearchLimits::with_timeout(2.0);
  ExhaustivePhaseOptions o;
  std::vector<Clock::time_point> handed, deadlines;
  const Clock::time_point start = Clock::now();
  const SearchResult r = exhaustive_then(unreachable(), limits, o, [&](const SearchLimits& l) {
    handed.push_back(Clock::now());
    deadlines.push_back(l.deadline);
    return SearchResult{};
  });
  EXPECT_FALSE(r.solved());
  // Lengths up to 12 are far from searched in a second: one guided run.
  ASSERT_EQ(handed.size(), 1u);
  // Step 1 ends at 0.1 s; generous slack for a loaded machine.
  EXPECT_LE(std::chrono::duration<double>(handed[0] - start).count(), 2 * o.cheap_share + 0.7);
  EXPECT_LT(deadlines[0], limits.deadline);
  EXPECT_LE(std::chrono::duration<double>(deadlines[0] - handed[0]).count(),
            2 * o.guided_share + 1e-3);
  EXPECT_GE(Clock::now(), limits.deadline);  // the enumerator ran to the deadline
  EXPECT_GT(r.stats.nodes, 0u);
}

TEST(ExhaustivePhase, EveryLengthSearchedLeavesTheRestToTheGuidedSearch) {
  const SearchLimits limits = SearchLimits::with_timeout(1.0);
  ExhaustivePhaseOptions o;
  o.max_length = 1;
  std::vector<Clock::time_point> deadlines;
  const SearchResult r = exhaustive_then(unreachable(), limits, o, [&](const SearchLimits& l) {
    deadlines.push_back(l.deadline);
    SearchResult g;
    g.stats.nodes = 7;
    return g;
  });
  EXPECT_FALSE(r.solved());
  ASSERT_EQ(deadlines.size(), 2u);
  EXPECT_LT(deadlines[0], limits.deadline);
  EXPECT_EQ(deadlines[1], limits.deadline);
  EXPECT_GT(r.stats.nodes, 14u);  // both guided runs and the enumerator's
}

// With no cheap lengths, the enumerator runs after the guided search's
// share, from length 1, and finds what it alone would find.
TEST(ExhaustivePhase, TheEnumeratorResumesAfterTheGuidedShare) {
  const auto ex = take_then_sort();
  ExhaustivePhaseOptions o;
  o.cheap_share = 0;
  int calls = 0;
  const SearchResult r =
      exhaustive_then(ex, SearchLimits::with_timeout(30), o, [&](const SearchLimits&) {
        ++calls;
        return SearchResult{};
      });
  EXPECT_EQ(calls, 1);
  ASSERT_TRUE(r.solved());
  EXPECT_EQ(*r.program, *enumerate(ex, {}, {}).program);
  EXPECT_EQ(r.stats.nodes, enumerate(ex, {}, {}).stats.nodes);
}

// The focus run: after the guided step, the enumerator over the focus
// operators alone reaches a program the whole operator set would need far
// more nodes for. Asked for once, after the guided step; never under a
// node budget alone.
TEST(ExhaustivePhase, TheFocusRunSearchesTheFocusOperatorsAlone) {
  const Program target = parse_compact(test::kTimesThreeMinusOneThrice);
  const std::vector<Example> ex = test::times_three_minus_one_thrice();
  ASSERT_TRUE(satisfies(target, ex));
  const OperatorId times3 = target.statements[0].op, minus1 = target.statements[1].op;
  ExhaustivePhaseOptions o;
  int asked = 0, guided = 0;
  o.focus_operators = [&] {
    ++asked;
    EXPECT_EQ(guided, 1) << "asked for before the guided step ran";
    return std::vector<OperatorId>{minus1, times3, minus1};  // repeats are ignored
  };
  auto nothing = [&](const SearchLimits&) {
    ++guided;
    return SearchResult{};
  };
  const SearchResult r = exhaustive_then(ex, SearchLimits::with_timeout(10), o, nothing);
  ASSERT_TRUE(r.solved());
  EXPECT_EQ(asked, 1);
  EXPECT_TRUE(satisfies(*r.program, ex));
  for (const Statement& s : r.program->statements) EXPECT_TRUE(s.op == times3 || s.op == minus1);
  SearchLimits budget;
  budget.max_nodes = 20000;
  asked = guided = 0;
  exhaustive_then(ex, budget, o, nothing);
  EXPECT_EQ(asked, 0);
  EXPECT_EQ(guided, 1);
}

// The focus operators of programs: each operator they use once, the most
// used first, ties by id.
TEST(ExhaustivePhase, OperatorsUsedMostUsedFirst) {
  const std::vector<Program> programs = {parse_compact("LIST|SORT,0|REVERSE,1|SORT,2"),
                                         parse_compact("LIST|REVERSE,0|HEAD,1")};
  const OperatorId head = programs[1].statements[1].op, reverse = programs[1].statements[0].op,
                   sort = programs[0].statements[0].op;
  EXPECT_EQ(operators_used(programs), (std::vector<OperatorId>{reverse, sort, head}));
  EXPECT_TRUE(operators_used({}).empty());
}

TEST(ExhaustivePhase, DisabledRunsTheGuidedSearchAlone) {
  ExhaustivePhaseOptions o;
  o.enabled = false;
  int calls = 0;
  const SearchResult r =
      exhaustive_then(take_then_sort(), SearchLimits::with_timeout(5), o, [&](const SearchLimits&) {
        ++calls;
        return SearchResult{};
      });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(r.stats.nodes, 0u);
}

}  // namespace
}  // namespace npeps
