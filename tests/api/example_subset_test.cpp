// Tasks with more examples than one search takes: the subsets searched,
// the counterexample step, the budget across searches, and the synthesizer
// solving such a task end to end.
#include "api/example_subset.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "dsl/examples_check.h"
#include "dsl/parser.h"
#include "npeps/synthesizer.h"

namespace npeps {
namespace {

// 12 examples of "sort descending": the first 10 inputs are sorted already,
// so REVERSE alone fits them; examples 10 and 11 need the sort.
std::vector<Example> descending_examples() {
  std::vector<Example> ex;
  for (int i = 0; i < 10; ++i)
    ex.push_back({{Value::list({i - 5, i, i + 3})}, Value::list({i + 3, i, i - 5})});
  ex.push_back({{Value::list({3, 1, 2})}, Value::list({3, 2, 1})});
  ex.push_back({{Value::list({5, 9, 7, 0})}, Value::list({9, 7, 5, 0})});
  return ex;
}

// Returns the first of its candidates that satisfies the examples it is
// given (as a search would), and records every call's examples and limits.
class ScriptedSolver final : public Solver {
 public:
  explicit ScriptedSolver(std::vector<std::string> candidates, bool check = true) : check_(check) {
    for (const std::string& c : candidates) candidates_.push_back(parse_compact(c));
  }
  SearchResult solve(const std::vector<Example>& examples, const SearchLimits& limits) override {
    calls.push_back(examples);
    node_limits.push_back(limits.max_nodes);
    SearchResult r;
    r.stats.nodes = 100;
    for (const Program& p : candidates_)
      if (!check_ || satisfies(p, examples)) {
        r.program = p;
        break;
      }
    return r;
  }
  std::vector<std::vector<Example>> calls;
  std::vector<std::uint64_t> node_limits;

 private:
  std::vector<Program> candidates_;
  bool check_;
};

bool same(const Example& a, const Example& b) {
  return a.inputs == b.inputs && a.output == b.output;
}

TEST(ExampleSubset, AtMostTheSearchLimitGoesStraightThrough) {
  std::vector<Example> ex = descending_examples();
  ex.resize(kMaxExamples);
  ScriptedSolver s({"LIST|REVERSE,0"});
  const SearchResult r = solve_on_subsets(s, ex, SearchLimits{});
  ASSERT_TRUE(r.program);
  ASSERT_EQ(s.calls.size(), 1u);
  EXPECT_EQ(s.calls[0].size(), ex.size());
}

TEST(ExampleSubset, AFailingExampleJoinsTheSubsetAndTheProgramFitsAll) {
  const std::vector<Example> ex = descending_examples();
  ScriptedSolver s({"LIST|REVERSE,0", "LIST|SORT,0|REVERSE,1"});
  const SearchResult r = solve_on_subsets(s, ex, SearchLimits{});
  ASSERT_TRUE(r.program);
  EXPECT_TRUE(satisfies(*r.program, ex));
  ASSERT_EQ(s.calls.size(), 2u);
  ASSERT_EQ(s.calls[0].size(), static_cast<std::size_t>(kMaxExamples));
  for (int i = 0; i < kMaxExamples; ++i) EXPECT_TRUE(same(s.calls[0][i], ex[i])) << i;
  // REVERSE fails example 10 first: it takes the last slot.
  ASSERT_EQ(s.calls[1].size(), static_cast<std::size_t>(kMaxExamples));
  EXPECT_TRUE(same(s.calls[1].back(), ex[10]));
  EXPECT_TRUE(same(s.calls[1][0], ex[0]));
  EXPECT_EQ(r.stats.nodes, 200u);
}

TEST(ExampleSubset, UnsolvedSubsetEndsTheSearch) {
  ScriptedSolver s({});
  const SearchResult r = solve_on_subsets(s, descending_examples(), SearchLimits{});
  EXPECT_FALSE(r.program);
  EXPECT_EQ(s.calls.size(), 1u);
}

// A solver that keeps returning a program some example refutes (here it
// ignores its examples) cannot loop forever: 2 * n searches at most.
TEST(ExampleSubset, RoundsAreBounded) {
  const std::vector<Example> ex = descending_examples();
  ScriptedSolver s({"LIST|REVERSE,0"}, /*check=*/false);
  const SearchResult r = solve_on_subsets(s, ex, SearchLimits{});
  EXPECT_FALSE(r.program);
  EXPECT_EQ(s.calls.size(), 2 * ex.size());
}

TEST(ExampleSubset, TheNodeBudgetCoversEverySearch) {
  ScriptedSolver s({"LIST|REVERSE,0"}, /*check=*/false);
  SearchLimits limits;
  limits.max_nodes = 250;
  EXPECT_FALSE(solve_on_subsets(s, descending_examples(), limits).program);
  // 100 nodes per search: 250, then 150, then 50 left; spent after the third.
  EXPECT_EQ(s.node_limits, (std::vector<std::uint64_t>{250, 150, 50}));
}

TaskSpec descending_task() {
  TaskSpec t;
  for (const Example& e : descending_examples()) {
    IoExample io;
    io.inputs.push_back(e.inputs[0].as_vector());
    io.output = e.output.as_vector();
    t.examples.push_back(io);
  }
  return t;
}

TEST(ExampleSubset, TheSynthesizerSolvesTasksWithMoreExamplesThanOneSearchTakes) {
  std::vector<std::string> methods = {"enum"};
  if (Synthesizer::default_method() != "enum") methods.push_back(Synthesizer::default_method());
  for (const std::string& m : methods) {
    SynthesizerOptions o;
    o.method = m;
    o.timeout_s = 10;
    Synthesizer s(o);
    const SynthesisResult r = s.synthesize(descending_task());
    ASSERT_TRUE(r.solved) << m;
    EXPECT_NE(r.program, "LIST|REVERSE,0") << m;
  }
}

}  // namespace
}  // namespace npeps
