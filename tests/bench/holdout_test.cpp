// Holdout splitting and the per-row re-check, on hand-made tasks with a
// stand-in solver that returns a fixed program.
#include <gtest/gtest.h>

#include <cmath>

#include "bench/bench_tasks.h"
#include "bench/runner.h"
#include "datasets/task.h"
#include "dsl/parser.h"

namespace npeps {
namespace {

// Stands in for a Synthesizer: returns a fixed program (compact form,
// empty for none) and records how many examples it was shown.
struct FixedSolver {
  std::string program;
  std::size_t seen = 0;
  SolveFn fn() {
    return [this](const TaskSpec& spec) {
      seen = spec.examples.size();
      SynthesisResult r;
      r.program = program;
      r.solved = !program.empty();
      r.nodes = 42;
      r.model_calls = 3;
      return r;
    };
  }
};

SynthesisResult throw_boom(const TaskSpec&) { throw std::runtime_error("boom"); }

// Outputs: the first two examples are sorted lists, the third is reversed,
// so "SORT" fits the visible examples but not the hidden one.
Task hand_task() {
  return parse_task(R"({"id": "h1", "program": "LIST|REVERSE,0", "examples": [
      {"inputs": [[3, 1, 2]], "output": [1, 2, 3]},
      {"inputs": [[5, 4]], "output": [4, 5]},
      {"inputs": [[1, 2, 9]], "output": [9, 2, 1]}]})",
                    "hand");
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
  FixedSolver sort_solver{"LIST|SORT,0"};
  const BenchRow r = solve_task(sort_solver.fn(), "fixed", task);
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
  FixedSolver sort_solver{"LIST|SORT,0"};
  const BenchRow r = solve_task(sort_solver.fn(), "fixed", task);
  EXPECT_TRUE(r.solved);
  EXPECT_EQ(r.holdout_ok, std::optional<bool>(true));
}

TEST(Recheck, WrongProgramIsUnsolvedAndFlagged) {
  const BenchTask task = split_holdout({hand_task()}, 1)[0];
  FixedSolver wrong{"LIST|REVERSE,0"};
  const BenchRow r = solve_task(wrong.fn(), "fixed", task);
  EXPECT_FALSE(r.solved);
  EXPECT_TRUE(r.recheck_failed);
  EXPECT_FALSE(r.holdout_ok.has_value());
  EXPECT_EQ(r.program, "LIST|REVERSE,0");  // kept for inspection
}

TEST(Recheck, NoProgramAndExceptions) {
  const BenchTask task = split_holdout({hand_task()}, 0)[0];
  FixedSolver none{""};
  BenchRow r = solve_task(none.fn(), "fixed", task);
  EXPECT_FALSE(r.solved);
  EXPECT_FALSE(r.recheck_failed);
  EXPECT_TRUE(r.program.empty());
  r = solve_task(throw_boom, "fixed", task);
  EXPECT_FALSE(r.solved);
  EXPECT_EQ(r.error, "boom");
}

TEST(Recheck, MalformedProgramIsUnsolvedAndFlagged) {
  const BenchTask task = split_holdout({hand_task()}, 0)[0];
  FixedSolver garbled{"LIST|NO_SUCH_OP,0"};
  const BenchRow r = solve_task(garbled.fn(), "fixed", task);
  EXPECT_FALSE(r.solved);
  EXPECT_TRUE(r.recheck_failed);
  EXPECT_NE(r.error.find("malformed program"), std::string::npos) << r.error;
}

TEST(Facade, BenchSettingsBecomeSynthesizerOptions) {
  BenchOptions o;
  o.timeout_s = 0;
  o.max_nodes = 77;
  o.threads = 2;
  o.model_dir = "m";
  o.npeps.alpha = 0.25;
  const SynthesizerOptions s = synthesizer_options(o, "enum");
  EXPECT_EQ(s.method, "enum");
  EXPECT_TRUE(std::isinf(s.timeout_s));  // no time limit: the node budget rules
  EXPECT_EQ(s.max_nodes, 77u);
  EXPECT_EQ(s.threads, 2);
  EXPECT_EQ(s.model_dir, "m");
  EXPECT_EQ(s.npeps.alpha, 0.25);
  const TaskSpec spec = to_task_spec("t", hand_task().examples);
  ASSERT_EQ(spec.examples.size(), 3u);
  EXPECT_EQ(std::get<std::vector<int>>(spec.examples[2].output), (std::vector<int>{9, 2, 1}));
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
