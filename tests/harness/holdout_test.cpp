// Holdout splitting and the per-row re-check, on hand-made tasks with a
// stand-in solver that returns a fixed program.
#include <gtest/gtest.h>

#include "datasets/task.h"
#include "dsl/parser.h"
#include "harness/bench_tasks.h"
#include "harness/runner.h"

namespace npeps {
namespace {

class FixedSolver final : public Solver {
 public:
  explicit FixedSolver(std::optional<Program> p) : program_(std::move(p)) {}
  SearchResult solve(const std::vector<Example>& examples, const SearchLimits&) override {
    seen = examples.size();
    SearchResult r;
    r.program = program_;
    r.stats.nodes = 42;
    r.stats.model_calls = 3;
    return r;
  }
  std::size_t seen = 0;

 private:
  std::optional<Program> program_;
};

class ThrowingSolver final : public Solver {
 public:
  SearchResult solve(const std::vector<Example>&, const SearchLimits&) override {
    throw std::runtime_error("boom");
  }
};

// Outputs: the first two examples are sorted lists, the third is reversed,
// so "SORT" fits the visible examples but not the hidden one.
Task hand_task() {
  return parse_task(R"({"id": "h1", "program": "LIST|REVERSE,0", "examples": [
      {"inputs": [[3, 1, 2]], "output": [1, 2, 3]},
      {"inputs": [[5, 4]], "output": [4, 5]},
      {"inputs": [[1, 2, 9]], "output": [9, 2, 1]}]})",
                    "hand");
}

BenchOptions holdout_options() {
  BenchOptions o;
  o.holdout = 1;
  o.max_nodes = 1000;
  o.timeout_s = 0;
  return o;
}

TEST(Holdout, SplitsTheLastExamplesOff) {
  const std::vector<BenchTask> t = split_holdout({hand_task()}, 1);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].visible.size(), 2u);
  ASSERT_EQ(t[0].hidden.size(), 1u);
  EXPECT_EQ(t[0].hidden[0].output, Value::list({9, 2, 1}));
  EXPECT_EQ(t[0].ref_len, 1);
  EXPECT_EQ(split_holdout({hand_task()}, 0)[0].hidden.size(), 0u);
  EXPECT_THROW(split_holdout({hand_task()}, 3), BenchError);
}

TEST(Holdout, OverfittingProgramIsSolvedButFailsHidden) {
  const BenchTask task = split_holdout({hand_task()}, 1)[0];
  FixedSolver sort_solver(parse_compact("LIST|SORT,0"));
  const BenchRow r = solve_task(sort_solver, "fixed", task, holdout_options());
  EXPECT_EQ(sort_solver.seen, 2u);  // the hidden example was never shown
  EXPECT_TRUE(r.solved);
  EXPECT_FALSE(r.recheck_failed);
  EXPECT_EQ(r.program, "LIST|SORT,0");
  ASSERT_TRUE(r.holdout_ok.has_value());
  EXPECT_FALSE(*r.holdout_ok);
  EXPECT_EQ(r.nodes, 42u);
  EXPECT_EQ(r.model_calls, 3u);
}

TEST(Holdout, GeneralisingProgramPassesHidden) {
  // Make the hidden output the sorted list: SORT now generalises.
  Task t = hand_task();
  t.examples[2].output = Value::list({1, 2, 9});
  const BenchTask task = split_holdout({t}, 1)[0];
  FixedSolver sort_solver(parse_compact("LIST|SORT,0"));
  const BenchRow r = solve_task(sort_solver, "fixed", task, holdout_options());
  EXPECT_TRUE(r.solved);
  EXPECT_EQ(r.holdout_ok, std::optional<bool>(true));
}

TEST(Recheck, WrongProgramIsUnsolvedAndFlagged) {
  const BenchTask task = split_holdout({hand_task()}, 1)[0];
  FixedSolver wrong(parse_compact("LIST|REVERSE,0"));
  const BenchRow r = solve_task(wrong, "fixed", task, holdout_options());
  EXPECT_FALSE(r.solved);
  EXPECT_TRUE(r.recheck_failed);
  EXPECT_FALSE(r.holdout_ok.has_value());
  EXPECT_EQ(r.program, "LIST|REVERSE,0");  // kept for inspection
}

TEST(Recheck, NoProgramAndExceptions) {
  const BenchTask task = split_holdout({hand_task()}, 0)[0];
  FixedSolver none(std::nullopt);
  BenchRow r = solve_task(none, "fixed", task, holdout_options());
  EXPECT_FALSE(r.solved);
  EXPECT_FALSE(r.recheck_failed);
  EXPECT_TRUE(r.program.empty());
  ThrowingSolver thrower;
  r = solve_task(thrower, "fixed", task, holdout_options());
  EXPECT_FALSE(r.solved);
  EXPECT_EQ(r.error, "boom");
}

TEST(Options, RejectsBadSettings) {
  BenchOptions o;
  o.suite = "e1";
  EXPECT_NO_THROW(validate(o));
  o.methods = {"no-such-method"};
  EXPECT_THROW(validate(o), BenchError);
  o.methods = {"enum", "enum"};
  EXPECT_THROW(validate(o), BenchError);
  o.methods = {"enum"};
  o.timeout_s = 0;
  EXPECT_THROW(validate(o), BenchError);  // no budget at all
  o.max_nodes = 10;
  EXPECT_NO_THROW(validate(o));
  o.holdout = 6;
  EXPECT_THROW(validate(o), BenchError);  // suites have at most 5 + 5 examples
  int i = 0, n = 0;
  parse_shard("2/5", i, n);
  EXPECT_EQ(i, 2);
  EXPECT_EQ(n, 5);
  EXPECT_THROW(parse_shard("5/5", i, n), BenchError);
  EXPECT_THROW(parse_shard("1", i, n), BenchError);
  EXPECT_THROW(parse_shard("a/2", i, n), BenchError);
  EXPECT_THROW(suite_lengths("e3"), BenchError);
}

}  // namespace
}  // namespace npeps
