#include "npeps/synthesizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace npeps {
namespace {

SynthesizerOptions opts(const std::string& method, double timeout_s, int threads = 1) {
  SynthesizerOptions o;
  o.method = method;
  o.timeout_s = timeout_s;
  o.threads = threads;
  return o;
}

TaskSpec running_max() {
  TaskSpec t;
  t.id = "running-max";
  t.examples = {
      {{std::vector<int>{1, 3, 2, 5, 4}}, std::vector<int>{1, 3, 3, 5, 5}},
      {{std::vector<int>{-1, -5, 0}}, std::vector<int>{-1, -1, 0}},
      {{std::vector<int>{7}}, std::vector<int>{7}},
  };
  return t;
}

TEST(Synthesizer, SolvesFromPlainValues) {
  Synthesizer s(opts("enum", 2.0));
  const SynthesisResult r = s.synthesize(running_max());
  ASSERT_TRUE(r.solved);
  EXPECT_EQ(r.id, "running-max");
  EXPECT_EQ(r.method, "enum");
  EXPECT_GT(r.nodes, 0u);
  EXPECT_FALSE(r.readable.empty());
}

// Two examples with the same inputs and different outputs: unsolved at
// once, with the reason, whatever the method.
TEST(Synthesizer, ExamplesNoProgramFitsAreUnsolvedAtOnce) {
  TaskSpec t;
  t.examples = {
      {{std::vector<int>{1, 2}}, 3}, {{std::vector<int>{4}}, 4}, {{std::vector<int>{1, 2}}, 4}};
  std::vector<std::string> methods = {"enum"};
  if (Synthesizer::default_method() != "enum") methods.push_back(Synthesizer::default_method());
  for (const std::string& m : methods) {
    Synthesizer s(opts(m, 5));
    const SynthesisResult r = s.synthesize(t);
    EXPECT_FALSE(r.solved) << m;
    EXPECT_EQ(r.unsolvable, "examples 1 and 3 have the same inputs and different outputs") << m;
    EXPECT_EQ(r.nodes, 0u) << m;
    EXPECT_NE(to_json(r).find("\"unsolvable\""), std::string::npos) << m;
  }
  EXPECT_TRUE(Synthesizer(opts("enum", 5)).synthesize(running_max()).unsolvable.empty());
}

TEST(Synthesizer, RejectsUnknownMethodAndBadOptions) {
  EXPECT_THROW(Synthesizer(opts("nope", 1)), InvalidInput);
  EXPECT_THROW(Synthesizer(opts("enum", 0)), InvalidInput);
  EXPECT_THROW(Synthesizer(opts("enum", 1, 0)), InvalidInput);
  SynthesizerOptions bad_alpha = opts("enum", 1);
  bad_alpha.npeps.alpha = 1.5;
  EXPECT_THROW(Synthesizer{bad_alpha}, InvalidInput);
  bad_alpha.npeps.alpha = 1.0;
  EXPECT_NO_THROW(Synthesizer{bad_alpha});
  SynthesizerOptions bad_pe = opts("enum", 1);
  bad_pe.npeps.pe_budget_s = 0;
  EXPECT_THROW(Synthesizer{bad_pe}, InvalidInput);
  bad_pe.npeps.pe_budget_s = 0.5;
  bad_pe.npeps.max_pe_solutions = 0;
  EXPECT_THROW(Synthesizer{bad_pe}, InvalidInput);
}

TEST(Synthesizer, InvalidTasksThrowWithTheField) {
  Synthesizer s(opts("enum", 1));
  TaskSpec t;
  EXPECT_THROW(s.synthesize(t), InvalidInput);  // no examples
  t.examples = {{{std::vector<int>{1, 2}}, 1000}};
  try {
    s.synthesize(t);
    FAIL() << "expected InvalidInput";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("output"), std::string::npos) << e.what();
  }
  EXPECT_THROW(s.synthesize_json("{\"examples\": 3}"), InvalidInput);
}

TEST(Synthesizer, CancelStopsARunningSearch) {
  Synthesizer s(opts("enum", 30));
  TaskSpec t;  // no short program produces these
  t.examples = {{{std::vector<int>{1}}, std::vector<int>{9, -3, 7, 100}},
                {{std::vector<int>{2}}, std::vector<int>{-70, 4}}};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    s.cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  const SynthesisResult r = s.synthesize(t);
  stopper.join();
  EXPECT_FALSE(r.solved);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 5.0);
}

TaskSpec unsolvable() {
  TaskSpec t;  // no short program produces these
  t.examples = {{{std::vector<int>{1}}, std::vector<int>{9, -3, 7, 100}},
                {{std::vector<int>{2}}, std::vector<int>{-70, 4}}};
  return t;
}

// A cancel() made between calls is not lost: the next call returns at
// once, unsolved, and clears it, so the call after that runs normally.
TEST(Synthesizer, CancelBeforeACallStopsTheNextCallOnly) {
  Synthesizer s(opts("enum", 30));
  s.cancel();
  const auto start = std::chrono::steady_clock::now();
  const SynthesisResult stopped = s.synthesize(unsolvable());
  EXPECT_FALSE(stopped.solved);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 5.0);
  const SynthesisResult next = s.synthesize(running_max());
  EXPECT_TRUE(next.solved);
}

// The node budget stops a search that the time budget would not.
TEST(Synthesizer, NodeBudgetIsHonoured) {
  SynthesizerOptions o = opts("enum", 1e9);  // no time limit
  o.max_nodes = 50000;
  Synthesizer s(o);
  const SynthesisResult r = s.synthesize(unsolvable());
  EXPECT_FALSE(r.solved);
  EXPECT_GE(r.nodes, 50000u - 1024);
  EXPECT_LE(r.nodes, 50000u + 1024);
  o.max_nodes = 0;  // none: the same task is solved when its program is short
  Synthesizer unbounded(o);
  EXPECT_TRUE(unbounded.synthesize(running_max()).solved);
}

// Progress reports come while a search runs, with growing node counts
// and the call's budget; returning false stops the search.
TEST(Synthesizer, ProgressReportsAndCanStopTheSearch) {
  SynthesizerOptions o = opts("enum", 30);
  o.progress_interval_s = 0.02;
  std::vector<SynthesisProgress> seen;  // written by the reporting thread, read after the call
  o.progress = [&seen](const SynthesisProgress& p) {
    seen.push_back(p);
    return seen.size() < 5;
  };
  Synthesizer s(o);
  const SynthesisResult r = s.synthesize(unsolvable());
  EXPECT_FALSE(r.solved);
  ASSERT_EQ(seen.size(), 5u);  // the fifth report stopped it; none came after
  for (std::size_t i = 1; i < seen.size(); ++i) {
    EXPECT_GE(seen[i].elapsed_s, seen[i - 1].elapsed_s);
    EXPECT_GE(seen[i].nodes, seen[i - 1].nodes);
  }
  EXPECT_GT(seen.back().nodes, 0u);
  EXPECT_LE(seen.back().nodes, r.nodes);
  EXPECT_NEAR(seen[0].budget_s, 30.0, 0.1);
  EXPECT_LT(r.time_s, 10.0);  // stopped long before its 30 s budget
  // The flag is cleared: the next call runs to its solution.
  seen.clear();
  EXPECT_TRUE(s.synthesize(running_max()).solved);
}

TEST(Synthesizer, ProgressExceptionsReachTheCaller) {
  SynthesizerOptions o = opts("enum", 30);
  o.progress_interval_s = 0.01;
  o.progress = [](const SynthesisProgress&) -> bool { throw std::runtime_error("stop here"); };
  Synthesizer s(o);
  EXPECT_THROW(
      {
        try {
          s.synthesize(unsolvable());
        } catch (const std::runtime_error& e) {
          EXPECT_STREQ(e.what(), "stop here");
          throw;
        }
      },
      std::runtime_error);
  o.progress_interval_s = 0;
  EXPECT_THROW(Synthesizer{o}, InvalidInput);
}

// A missing model is a ModelError from the constructor, naming the
// directory's file, not an error at the first call.
TEST(Synthesizer, MissingModelsFailWhenBuilt) {
  const auto m = Synthesizer::methods();
  if (std::find(m.begin(), m.end(), "pccoder") == m.end()) GTEST_SKIP() << "no neural methods";
  SynthesizerOptions o = opts("pccoder", 1);
  o.model_dir = "/nonexistent/npeps-models";
  try {
    Synthesizer s(o);
    FAIL() << "expected ModelError";
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("pccoder.ckpt"), std::string::npos) << e.what();
  }
}

TEST(Synthesizer, ListsItsMethods) {
  const auto m = Synthesizer::methods();
  EXPECT_NE(std::find(m.begin(), m.end(), "enum"), m.end());
}

TEST(Synthesizer, DefaultMethodIsThePortfolioWhenBuilt) {
  const auto m = Synthesizer::methods();
  const bool has_peps = std::find(m.begin(), m.end(), "portfolio") != m.end();
#ifdef NPEPS_WITH_TORCH
  EXPECT_TRUE(has_peps);
#endif
  EXPECT_EQ(Synthesizer::default_method(), has_peps ? "portfolio" : "enum");
  SynthesizerOptions o;
  o.method.clear();
  EXPECT_EQ(Synthesizer(o).options().method, Synthesizer::default_method());
}

}  // namespace
}  // namespace npeps
