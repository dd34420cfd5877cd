// The neural methods (pccoder and the N-PEPS family) through the public
// Synthesizer facade, on a model directory of tiny untrained networks that
// the test writes itself: every method solves short programs and returns a
// program that satisfies the examples, keeps to its wall-clock budget, and
// refuses missing, corrupt or mismatched model files with a ModelError
// naming the file, when the synthesizer is built.
//
// npeps_api_tests is also built without torch (NPEPS_WITH_TORCH=OFF); the
// model files can only be written with the models layer, so the torch part
// is compiled only when torch is on the target's include path (it is
// whenever npeps_api links npeps_models) and otherwise the neural methods
// must be absent from Synthesizer::methods().
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "npeps/synthesizer.h"

#if defined(NPEPS_WITH_TORCH) || __has_include(<torch/torch.h>)
#define NPEPS_API_TEST_MODELS 1
#include "api/npeps_solver.h"
#include "api/solver.h"
#include "dsl/parser.h"
#include "dsl/program.h"
#include "models/checkpoint.h"
#include "models/cross_aggregator.h"
#include "tests/models/model_test_util.h"
#endif

namespace npeps {
namespace {

const std::vector<std::string> kNeuralMethods = {"portfolio", "pccoder",  "npeps",
                                                 "npeps+U",   "sum-peps", "mean-peps"};

bool registered(const std::string& method) {
  const auto m = Synthesizer::methods();
  return std::find(m.begin(), m.end(), method) != m.end();
}

#ifndef NPEPS_API_TEST_MODELS

TEST(NeuralMethods, AbsentWithoutTorch) {
  for (const std::string& m : kNeuralMethods) EXPECT_FALSE(registered(m)) << m;
}

#else

namespace fs = std::filesystem;

TEST(NeuralMethods, AllRegistered) {
  for (const std::string& m : kNeuralMethods) EXPECT_TRUE(registered(m)) << m;
}

using test::tiny_aggregator;

// Writes every model file a method may need into `dir` (created).
void write_models(const fs::path& dir) {
  fs::create_directories(dir);
  PCCoderNet global(test::tiny_net(), 1);
  save_checkpoint((dir / kPCCoderModelFile).string(), global, CheckpointHeader{});
  save_checkpoint((dir / kPEModelFile).string(), PCCoderNet(test::tiny_net(), 2),
                  CheckpointHeader{});
  save_aggregator((dir / kAggregatorModelFile).string(),
                  CrossAggregator(tiny_aggregator(false), 3, &global), AggregatorCheckpoint{});
  save_aggregator((dir / kAggregatorUModelFile).string(),
                  CrossAggregator(tiny_aggregator(true), 4, &global), AggregatorCheckpoint{});
}

Datum to_datum(const Value& v) {
  if (v.is_int()) return v.as_int();
  if (v.is_list()) return v.as_vector();
  return std::monostate{};
}

TaskSpec to_spec(const Task& t) {
  TaskSpec s;
  s.id = t.id;
  for (const Example& e : t.examples) {
    IoExample io;
    for (const Value& v : e.inputs) io.inputs.push_back(to_datum(v));
    io.output = to_datum(e.output);
    s.examples.push_back(std::move(io));
  }
  return s;
}

// No short program maps these inputs to these outputs.
TaskSpec unsolvable() {
  TaskSpec t;
  t.id = "unsolvable";
  t.examples = {{{std::vector<int>{1, 2}}, std::vector<int>{9, -3, 7, 100}},
                {{std::vector<int>{2, 5, 1}}, std::vector<int>{-70, 4}},
                {{std::vector<int>{0}}, std::vector<int>{13, 13, -8}}};
  return t;
}

SynthesizerOptions options(const std::string& method, const fs::path& dir, double timeout_s,
                           int threads = 1) {
  SynthesizerOptions o;
  o.method = method;
  o.model_dir = dir.string();
  o.timeout_s = timeout_s;
  o.threads = threads;
  return o;
}

// The ModelError message of building a synthesizer with `o`, or "" when
// none is thrown (then `task` is solved: a model error must not wait for
// the first call).
std::string error_of(const SynthesizerOptions& o, const TaskSpec& task) {
  std::unique_ptr<Synthesizer> s;
  try {
    s = std::make_unique<Synthesizer>(o);
  } catch (const ModelError& e) {
    return e.what();
  }
  s->synthesize(task);
  return "";
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// One model directory per test process, shared read-only by the tests;
// tests that break files work on copies (fresh_copy).
class NeuralMethodsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = fs::temp_directory_path() / ("npeps_api_models_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    write_models(root_ / "models");
  }
  static void TearDownTestSuite() { fs::remove_all(root_); }

  static fs::path models() { return root_ / "models"; }
  static fs::path fresh_copy(const std::string& name) {
    const fs::path d = root_ / name;
    fs::remove_all(d);
    fs::copy(models(), d);
    return d;
  }

  static inline fs::path root_;
};

// Short programs a tiny untrained network's CAB finds well within 2 s.
const std::vector<std::string> kEasyPrograms = {
    "LIST|REVERSE,0",
    "LIST|SORT,0|REVERSE,1",
    "INT|LIST|TAKE,0,1",
};

TEST_F(NeuralMethodsTest, EveryMethodSolvesEasyTasksWithAProgramThatSatisfiesThem) {
  for (const std::string& method : kNeuralMethods) {
    for (std::size_t i = 0; i < kEasyPrograms.size(); ++i) {
      SCOPED_TRACE(method + " on " + kEasyPrograms[i]);
      const Task task = test::make_task(kEasyPrograms[i], 4, 10 + i);
      // A generous budget: the tasks are easy, but ctest runs in parallel
      // on a busy machine.
      Synthesizer s(options(method, models(), 30.0));
      const SynthesisResult r = s.synthesize(to_spec(task));
      ASSERT_TRUE(r.solved);
      EXPECT_EQ(r.method, method);
      EXPECT_EQ(r.id, task.id);
      EXPECT_GT(r.nodes + r.checks, 0u);  // one-statement programs: only lookahead checks
      EXPECT_FALSE(r.readable.empty());
      // The compact program parses back and satisfies every example.
      const Program p = parse_compact(r.program);
      EXPECT_TRUE(satisfies(p, task.examples)) << r.program;
      EXPECT_LE(p.statements.size(), 12u);
    }
  }
}

TEST_F(NeuralMethodsTest, SameSeedSameProgram) {
  const Task task = test::make_task("LIST|SORT,0|REVERSE,1", 4, 21);
  for (const std::string& method : kNeuralMethods) {
    // A budget no run reaches: the node counts must not depend on the clock.
    Synthesizer a(options(method, models(), 30.0)), b(options(method, models(), 30.0));
    const SynthesisResult ra = a.synthesize(to_spec(task)), rb = b.synthesize(to_spec(task));
    ASSERT_TRUE(ra.solved) << method;
    EXPECT_EQ(ra.program, rb.program) << method;
    EXPECT_EQ(ra.nodes, rb.nodes) << method;
  }
}

// The wall time of a whole synthesize() call on a fresh Synthesizer
// (models loaded inside it) stays within the budget + 300 ms. A short
// budget keeps the file fast; for N-PEPS it still covers both phases.
// Timing-dependent: runs alone (RUN_SERIAL, see tests/CMakeLists.txt).
TEST_F(NeuralMethodsTest, Timing_UnsolvableTaskKeepsToTheBudget) {
#ifdef NPEPS_SANITIZED
  GTEST_SKIP() << "wall-clock accuracy is a normal build's test: sanitizers slow the code 5-20x";
#endif
  constexpr double kBudget = 0.5, kSlack = 0.3;
  for (const std::string& method : kNeuralMethods) {
    for (int threads : {1, 2}) {
      SCOPED_TRACE(method + ", threads " + std::to_string(threads));
      Synthesizer s(options(method, models(), kBudget, threads));
      const auto start = std::chrono::steady_clock::now();
      const SynthesisResult r = s.synthesize(unsolvable());
      const double wall =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      EXPECT_FALSE(r.solved) << r.program;
      EXPECT_TRUE(r.program.empty());
      EXPECT_GT(r.nodes, 0u);  // it did search
      EXPECT_LE(wall, kBudget + kSlack);
      EXPECT_LE(r.time_s, kBudget + kSlack);
      // It searched for most of the budget: CAB stops early only when its
      // next policy call would end past the deadline.
      EXPECT_GE(r.time_s, kBudget / 2);
    }
  }
}

// Which model files each method loads.
std::vector<std::string> files_of(const std::string& method) {
  std::vector<std::string> f = {kPCCoderModelFile};
  if (method == "pccoder") return f;
  f.push_back(kPEModelFile);
  if (method == "npeps") f.push_back(kAggregatorModelFile);
  if (method == "npeps+U") f.push_back(kAggregatorUModelFile);
  return f;
}

TEST_F(NeuralMethodsTest, MissingModelFileIsNamed) {
  const TaskSpec task = to_spec(test::make_task("LIST|REVERSE,0", 3, 5));
  for (const std::string& method : kNeuralMethods) {
    for (const std::string& file : files_of(method)) {
      SCOPED_TRACE(method + " without " + file);
      const fs::path dir = fresh_copy("missing");
      fs::remove(dir / file);
      const std::string what = error_of(options(method, dir, 1.0), task);
      EXPECT_TRUE(contains(what, file)) << what;
      EXPECT_TRUE(contains(what, method)) << what;
    }
  }
}

TEST_F(NeuralMethodsTest, OnlyTheNeededModelsAreRequired) {
  const TaskSpec task = to_spec(test::make_task("LIST|REVERSE,0", 3, 5));
  const fs::path dir = fresh_copy("no_aggregators");
  fs::remove(dir / kAggregatorModelFile);
  fs::remove(dir / kAggregatorUModelFile);
  for (const char* method : {"portfolio", "pccoder", "sum-peps", "mean-peps"}) {
    Synthesizer s(options(method, dir, 2.0));
    EXPECT_TRUE(s.synthesize(task).solved) << method;
  }
  fs::remove(dir / kPEModelFile);
  Synthesizer s(options("pccoder", dir, 2.0));
  EXPECT_TRUE(s.synthesize(task).solved);
}

TEST_F(NeuralMethodsTest, CorruptOrWrongKindModelFileIsNamed) {
  const TaskSpec task = to_spec(test::make_task("LIST|REVERSE,0", 3, 5));
  {  // A truncated global model.
    const fs::path dir = fresh_copy("truncated");
    fs::resize_file(dir / kPCCoderModelFile, fs::file_size(dir / kPCCoderModelFile) / 2);
    for (const std::string& method : kNeuralMethods) {
      const std::string what = error_of(options(method, dir, 1.0), task);
      EXPECT_TRUE(contains(what, kPCCoderModelFile)) << method << ": " << what;
    }
  }
  {  // A PCCoder network where the aggregator belongs.
    const fs::path dir = fresh_copy("wrong_kind");
    fs::copy_file(dir / kPEModelFile, dir / kAggregatorModelFile,
                  fs::copy_options::overwrite_existing);
    const std::string what = error_of(options("npeps", dir, 1.0), task);
    EXPECT_TRUE(contains(what, kAggregatorModelFile)) << what;
  }
}

TEST_F(NeuralMethodsTest, AggregatorTrainedForTheOtherVariantIsRefused) {
  const TaskSpec task = to_spec(test::make_task("LIST|REVERSE,0", 3, 5));
  {  // npeps+U with an aggregator trained without scores.
    const fs::path dir = fresh_copy("u_without_scores");
    fs::copy_file(dir / kAggregatorModelFile, dir / kAggregatorUModelFile,
                  fs::copy_options::overwrite_existing);
    const std::string what = error_of(options("npeps+U", dir, 1.0), task);
    EXPECT_TRUE(contains(what, kAggregatorUModelFile)) << what;
    EXPECT_TRUE(contains(what, "without solution scores")) << what;
    // The plain variant is unaffected.
    Synthesizer s(options("npeps", dir, 2.0));
    EXPECT_TRUE(s.synthesize(task).solved);
  }
  {  // npeps with an aggregator trained with scores.
    const fs::path dir = fresh_copy("plain_with_scores");
    fs::copy_file(dir / kAggregatorUModelFile, dir / kAggregatorModelFile,
                  fs::copy_options::overwrite_existing);
    const std::string what = error_of(options("npeps", dir, 1.0), task);
    EXPECT_TRUE(contains(what, kAggregatorModelFile)) << what;
    EXPECT_TRUE(contains(what, "with solution scores")) << what;
  }
}


// Regression: under a node budget alone (bench --signature) the PE phase
// still ran on wall-clock budgets, so node counts changed from run to run.
TEST_F(NeuralMethodsTest, NodeBudgetAloneIsDeterministicAndCoversBothPhases) {
  const TaskSpec spec = unsolvable();
  std::vector<Example> examples;
  for (const IoExample& e : spec.examples) {
    Example ex;
    for (const Datum& d : e.inputs) ex.inputs.push_back(Value::list(std::get<std::vector<int>>(d)));
    ex.output = std::holds_alternative<int>(e.output)
                    ? Value::integer(std::get<int>(e.output))
                    : Value::list(std::get<std::vector<int>>(e.output));
    examples.push_back(ex);
  }
  SolverConfig cfg;
  cfg.model_dir = models().string();
  for (const std::string& m : kNeuralMethods) {
    SearchLimits limits;
    limits.max_nodes = 3000;
    std::uint64_t first = 0;
    for (int run = 0; run < 2; ++run) {
      const SearchResult r = find_method(m)->make(cfg)->solve(examples, limits);
      EXPECT_LE(r.stats.nodes, limits.max_nodes) << m;
      if (run == 0) first = r.stats.nodes;
      EXPECT_EQ(r.stats.nodes, first) << m;
    }
  }
}

// The PE methods' focus operators (search/exhaustive_phase.h asks for them
// after the guided step): the operators of the last PE phase's solutions on
// the same examples, and nothing carried over to other examples.
TEST_F(NeuralMethodsTest, TheFocusOperatorsAreThePESolutionsOperators) {
  // [1,2,3] -> [3,2,1]: REVERSE is the only one-statement program, so the
  // PE search of example 0 finds it (the lookahead tries it at the root).
  const std::vector<Example> task = {{{Value::list({1, 2, 3})}, Value::list({3, 2, 1})},
                                     {{Value::list({4, 0, 7})}, Value::list({7, 4, 0})}};
  const std::vector<Example> other = {{{Value::list({5, 1})}, Value::integer(6)},
                                      {{Value::list({2, 2, 2})}, Value::integer(6)}};
  const OperatorId reverse = parse_compact("LIST|REVERSE,0").statements[0].op;
  const auto position = [](const std::vector<OperatorId>& order, OperatorId id) {
    return std::find(order.begin(), order.end(), id) - order.begin();
  };
  SolverConfig cfg;
  cfg.model_dir = models().string();
  for (const std::string m : {"npeps-paper", "mean-peps-paper"}) {
    auto solver = find_method(m)->make(cfg);
    EXPECT_TRUE(solver->focus_operators(task).empty()) << m;  // no PE phase yet
    SearchLimits limits;
    limits.max_nodes = 3000;
    solver->solve(task, limits);
    // Example 1's PE solution (if any, at most 3 statements under this
    // budget) may put up to 3 operators used as often ahead of it.
    const std::vector<OperatorId> focus = solver->focus_operators(task);
    EXPECT_LT(position(focus, reverse), std::min<std::ptrdiff_t>(4, std::ssize(focus))) << m;
    EXPECT_LT(focus.size(), static_cast<std::size_t>(kNumOperators)) << m;
    EXPECT_TRUE(solver->focus_operators(other).empty()) << m;
  }
}

// The portfolio's guided step (api/methods.cpp): under a deadline, the
// global policy's search runs first, and a task it solves needs no PE phase
// (so no focus operators); without that first share, or under a node budget
// alone, the PE phase runs as in Mean-PEPS.
TEST_F(NeuralMethodsTest, ThePortfolioSearchesWithTheGlobalPolicyBeforeThePEPhase) {
  const std::vector<Example> task = {{{Value::list({1, 2, 3})}, Value::list({3, 2, 1})},
                                     {{Value::list({4, 0, 7})}, Value::list({7, 4, 0})}};
  SolverConfig cfg;
  cfg.model_dir = models().string();
  const auto with_first = make_npeps_solver(cfg, NPEPSVariant::Mean, 1.0 / 3);
  const auto without = make_npeps_solver(cfg, NPEPSVariant::Mean);
  const SearchResult a = with_first->solve(task, SearchLimits::with_timeout(30));
  const SearchResult b = without->solve(task, SearchLimits::with_timeout(30));
  ASSERT_TRUE(a.solved());
  ASSERT_TRUE(b.solved());
  EXPECT_TRUE(satisfies(*a.program, task));
  EXPECT_TRUE(with_first->focus_operators(task).empty());  // solved before any PE phase
  EXPECT_FALSE(without->focus_operators(task).empty());
  SearchLimits nodes;
  nodes.max_nodes = 3000;
  with_first->solve(task, nodes);
  EXPECT_FALSE(with_first->focus_operators(task).empty());
  EXPECT_THROW(make_npeps_solver(cfg, NPEPSVariant::Mean, 1.0), std::runtime_error);
}

#endif  // NPEPS_API_TEST_MODELS

}  // namespace
}  // namespace npeps
