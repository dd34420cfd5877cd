#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <thread>
#include <vector>

#include "search/per_example_search.h"
#include "tests/search/beam_test_policies.h"

namespace npeps {
namespace {

using test::examples_of;
using test::OraclePolicy;
using test::stmt;
using F = Function;
using L = Lambda;

Value list(std::initializer_list<int> xs) { return Value::list(xs); }

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::vector<Policy*> pointers(std::vector<UniformPolicy>& ps) {
  std::vector<Policy*> out;
  for (auto& p : ps) out.push_back(&p);
  return out;
}

// CAB that tries every statement at depth 1 and nothing deeper.
BeamSearchOptions depth_one_exhaustive() {
  BeamSearchOptions o;
  o.initial_beam = o.max_beam = 2000;  // > kNumStatements
  o.initial_width = 0;
  o.max_depth = 1;
  return o;
}

// The lowest-index one-statement program (over a single LIST input) that
// maps the example's input to its output, found by trying the whole
// statement space: what depth_one_exhaustive() CAB with a uniform policy
// must return for that example alone.
std::optional<Program> first_one_statement(const Example& ex) {
  for (StatementIndex i = 0; i < kNumStatements; ++i) {
    const Statement& s = statement_at(i);
    const Operator& o = op(s.op);
    if (s.args[0] != 0 || (o.arity == 2 && s.args[1] != 0)) continue;
    if (o.args[0] != Type::List || (o.arity == 2 && o.args[1] != Type::List)) continue;
    Value r;
    if (apply(s.op, ex.inputs[0], ex.inputs[0], r) == EvalStatus::Ok && r == ex.output)
      return Program{{Type::List}, {Statement{s.op, {0, 0}}}};
  }
  return std::nullopt;
}

// Sorted on examples 0 and 1, reversed on examples 2 and 3.
std::vector<Example> sort_or_reverse_task() {
  return {{{list({3, 1, 2})}, list({1, 2, 3})},
          {{list({9, 4, 7, 5})}, list({4, 5, 7, 9})},
          {{list({1, 3, 2})}, list({2, 3, 1})},
          {{list({6, 2, 8})}, list({8, 2, 6})}};
}

// Outputs no short program reaches from these inputs: every search runs
// until a limit stops it.
std::vector<Example> unreachable_task(int n) {
  std::vector<Example> ex;
  for (int e = 0; e < n; ++e)
    ex.push_back({{list({5 + e, -3, 17, 2, 9, 40, -8})},
                  list({255, -256, 13 + e, -77, 101, 3,   -200, 88, 7,   -1,
                        250, 0,    -129,   64,  33,  -99, 180,  2,  -45, 111})});
  return ex;
}

// Five examples over one list, two made by one two-statement program and
// three by another: PE solutions satisfy some examples but not all.
std::vector<Example> two_program_task() {
  const Program a{{Type::List}, {stmt(F::Filter, L::Odd, 0), stmt(F::Map, L::Times3, 1)}};
  const Program b{{Type::List}, {stmt(F::Sort, L::None, 0), stmt(F::Map, L::Times2, 1)}};
  std::vector<Example> ex = examples_of(a, {{list({3, -1, 4, 1, 5})}, {list({2, 7, -3, 8})}});
  for (const Example& e : examples_of(
           b, {{list({0, 5, 5, 1, -2, 6})}, {list({-4, 9, 2, 1})}, {list({9, 8, 1, 0, 3})}}))
    ex.push_back(e);
  return ex;
}

bool all_true(const std::vector<bool>& v) {
  return std::all_of(v.begin(), v.end(), [](bool b) { return b; });
}

TEST(PerExampleSearch, ScoreSolutionRunsEveryExample) {
  const auto ex = sort_or_reverse_task();
  const Program sort{{Type::List}, {stmt(F::Sort, L::None, 0)}};
  const Program reverse{{Type::List}, {stmt(F::Reverse, L::None, 0)}};
  const PESolution s = score_solution(sort, 1, ex);
  EXPECT_EQ(s.example, 1);
  EXPECT_EQ(s.satisfied, (std::vector<bool>{true, true, false, false}));
  EXPECT_DOUBLE_EQ(s.score, 0.5);
  const PESolution r = score_solution(reverse, 2, ex);
  EXPECT_EQ(r.satisfied, (std::vector<bool>{false, false, true, true}));
  // Wrong input types satisfy nothing (and are not run).
  const Program on_int{{Type::Int}, {stmt(F::Take, L::None, 0, 0)}};
  EXPECT_DOUBLE_EQ(score_solution(on_int, 0, ex).score, 0.0);
}

// Runs the phase on the sort-or-reverse task and checks it against an
// independent sequential simulation built from first_one_statement.
void check_sort_or_reverse(bool stop_when_covered, int threads) {
  const auto ex = sort_or_reverse_task();
  std::vector<UniformPolicy> ps(threads);
  const auto policies = pointers(ps);
  PerExampleOptions o;
  o.beam = depth_one_exhaustive();
  o.threads = threads;
  o.stop_when_covered = stop_when_covered;
  const PerExampleResult r = per_example_search(ex, policies, o, SearchLimits{});

  // Expected: example order, stop at coverage if asked, dedup, sort by score.
  std::vector<PESolution> expected;
  std::vector<bool> covered(ex.size(), false);
  for (std::size_t e = 0; e < ex.size(); ++e) {
    const std::optional<Program> p = first_one_statement(ex[e]);
    ASSERT_TRUE(p.has_value()) << "example " << e;
    PESolution s{static_cast<int>(e), *p, {}, 0};
    int count = 0;
    for (const Example& other : ex) {
      Value out;
      const Statement& st = p->statements[0];
      const bool ok = apply(st.op, other.inputs[0], other.inputs[0], out) == EvalStatus::Ok &&
                      out == other.output;
      s.satisfied.push_back(ok);
      count += ok;
    }
    s.score = static_cast<double>(count) / ex.size();
    for (std::size_t i = 0; i < ex.size(); ++i) covered[i] = covered[i] || s.satisfied[i];
    bool dup = false;
    for (const PESolution& k : expected) dup = dup || k.program == s.program;
    if (!dup) expected.push_back(s);
    if (stop_when_covered && all_true(covered)) break;
  }
  std::stable_sort(expected.begin(), expected.end(),
                   [](const PESolution& a, const PESolution& b) { return a.score > b.score; });

  ASSERT_EQ(r.solutions.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(r.solutions[i].example, expected[i].example) << i;
    EXPECT_EQ(r.solutions[i].program, expected[i].program) << i;
    EXPECT_EQ(r.solutions[i].satisfied, expected[i].satisfied) << i;
    EXPECT_DOUBLE_EQ(r.solutions[i].score, expected[i].score) << i;
    EXPECT_TRUE(r.solutions[i].satisfied[r.solutions[i].example]);
  }
  EXPECT_FALSE(r.full_solution.has_value());
  // Hand-checked: SORT is the only one-statement program for example 0 and
  // REVERSE the first for example 2; examples 1 and 3 repeat them.
  ASSERT_EQ(r.solutions.size(), 2u);
  EXPECT_EQ(r.solutions[0].program, (Program{{Type::List}, {stmt(F::Sort, L::None, 0)}}));
  EXPECT_EQ(r.solutions[1].satisfied, (std::vector<bool>{false, false, true, true}));
  // Covered after example 2: example 3's search is not used. With one
  // thread it never starts; with two it may have started (and been
  // cancelled) while example 2 ran, so only the totals are checked then.
  if (threads == 1) {
    EXPECT_EQ(r.per_example[3].nodes + r.per_example[3].checks == 0, stop_when_covered);
  }
  std::uint64_t used = 0;
  for (std::size_t e = 0; e < (stop_when_covered ? 3u : ex.size()); ++e)
    used += r.per_example[e].nodes + r.per_example[e].checks;
  EXPECT_EQ(r.stats.nodes + r.stats.checks, used);
  EXPECT_GT(r.stats.nodes + r.stats.checks, 0u);
  EXPECT_EQ(r.per_example.size(), ex.size());
}

TEST(PerExampleSearch, FindsAndScoresExampleSpecificSolutions) {
  check_sort_or_reverse(/*stop_when_covered=*/false, 1);
  check_sort_or_reverse(/*stop_when_covered=*/true, 1);
  check_sort_or_reverse(/*stop_when_covered=*/false, 2);
  check_sort_or_reverse(/*stop_when_covered=*/true, 2);
}

TEST(PerExampleSearch, ProgramSatisfyingAllIsFullSolution) {
  const Program target{{Type::List}, {stmt(F::Sort, L::None, 0), stmt(F::Map, L::Times2, 1)}};
  const auto ex = examples_of(target, {{list({3, -1, 4, 1, 5})},
                                       {list({2, 7, -3})},
                                       {list({0, 5, 5, 1, -2, 6})},
                                       {list({-4, -4, 2})}});
  for (bool deterministic : {true, false})
    for (int threads : {1, 2}) {
      std::vector<OraclePolicy> oracles(threads, OraclePolicy(target));
      std::vector<Policy*> policies;
      for (auto& p : oracles) policies.push_back(&p);
      PerExampleOptions o;
      o.threads = threads;
      o.deterministic_stop = deterministic;
      o.max_nodes = 200000;
      const PerExampleResult r = per_example_search(ex, policies, o, SearchLimits{});
      ASSERT_TRUE(r.full_solution.has_value());
      EXPECT_TRUE(satisfies(*r.full_solution, ex));
      ASSERT_FALSE(r.solutions.empty());
      EXPECT_DOUBLE_EQ(r.solutions[0].score, 1.0);
      EXPECT_EQ(r.solutions[0].program, *r.full_solution);
      if (deterministic) {
        // Sequential order stops at the first example whose solution is full.
        for (const PESolution& s : r.solutions) EXPECT_LE(s.example, r.solutions[0].example);
      }
      if (threads == 1) {
        // Nothing after the full solution's example was searched.
        for (std::size_t e = r.solutions[0].example + 1; e < ex.size(); ++e)
          EXPECT_EQ(r.per_example[e].nodes, 0u) << e;
      }
    }
}

TEST(PerExampleSearch, ParallelMatchesSequentialWithNodeBudget) {
  const auto ex = two_program_task();
  for (bool covered_stop : {false, true}) {
    auto run = [&](int threads) {
      std::vector<UniformPolicy> ps(threads);
      PerExampleOptions o;
      o.threads = threads;
      o.max_nodes = 20000;
      o.beam.initial_width = 0;
      o.budget_s = 60;  // the node budget decides
      o.stop_when_covered = covered_stop;
      return per_example_search(ex, pointers(ps), o, SearchLimits{});
    };
    const PerExampleResult seq = run(1);
    ASSERT_FALSE(seq.solutions.empty()) << "the comparison would be vacuous";
    for (int threads : {2, 3, 5}) {
      const PerExampleResult par = run(threads);
      ASSERT_EQ(par.solutions.size(), seq.solutions.size()) << threads;
      for (std::size_t i = 0; i < seq.solutions.size(); ++i) {
        EXPECT_EQ(par.solutions[i].example, seq.solutions[i].example);
        EXPECT_EQ(par.solutions[i].program, seq.solutions[i].program);
        EXPECT_EQ(par.solutions[i].satisfied, seq.solutions[i].satisfied);
        EXPECT_EQ(par.solutions[i].score, seq.solutions[i].score);
      }
      EXPECT_EQ(par.full_solution, seq.full_solution);
      EXPECT_EQ(par.stats.nodes, seq.stats.nodes);
      EXPECT_EQ(par.stats.model_calls, seq.stats.model_calls);
      EXPECT_EQ(par.stats.model_states, seq.stats.model_states);
    }
    for (const PESolution& s : seq.solutions) {
      EXPECT_TRUE(s.satisfied[s.example]);
      EXPECT_EQ(s.score, score_solution(s.program, s.example, ex).score);
    }
  }
}

TEST(PerExampleSearch, EagerStopStillCoversOrSearchesAll) {
  const auto ex = two_program_task();
  std::vector<UniformPolicy> ps(2);
  PerExampleOptions o;
  o.threads = 2;
  o.max_nodes = 20000;
  o.beam.initial_width = 0;
  o.deterministic_stop = false;
  const PerExampleResult r = per_example_search(ex, pointers(ps), o, SearchLimits{});
  ASSERT_FALSE(r.solutions.empty());
  std::vector<bool> covered(ex.size(), false);
  for (const PESolution& s : r.solutions) {
    EXPECT_EQ(s.satisfied, score_solution(s.program, s.example, ex).satisfied);
    for (std::size_t i = 0; i < ex.size(); ++i) covered[i] = covered[i] || s.satisfied[i];
  }
  // The sequential run covers all by example 2, so the eager one must too.
  EXPECT_TRUE(all_true(covered));
  std::uint64_t nodes = 0;
  for (const SearchStats& s : r.per_example) nodes += s.nodes;
  EXPECT_EQ(r.stats.nodes, nodes);  // eager: every search that ran counts
}

TEST(PerExampleSearch, KeepsAtMostMaxSolutionsBestFirst) {
  const auto ex = two_program_task();
  std::vector<UniformPolicy> ps(1);
  PerExampleOptions o;
  o.max_nodes = 20000;
  o.beam.initial_width = 0;
  o.stop_when_covered = false;
  const PerExampleResult all = per_example_search(ex, pointers(ps), o, SearchLimits{});
  ASSERT_GE(all.solutions.size(), 2u);
  for (std::size_t i = 1; i < all.solutions.size(); ++i) {
    const PESolution& a = all.solutions[i - 1];
    const PESolution& b = all.solutions[i];
    EXPECT_TRUE(a.score > b.score || (a.score == b.score && a.example < b.example));
    for (std::size_t j = 0; j < i; ++j) EXPECT_FALSE(all.solutions[j].program == b.program);
  }
  o.max_solutions = 1;
  const PerExampleResult one = per_example_search(ex, pointers(ps), o, SearchLimits{});
  ASSERT_EQ(one.solutions.size(), 1u);
  EXPECT_EQ(one.solutions[0].program, all.solutions[0].program);
}

// Timing-dependent (wall-clock budgets): runs alone (RUN_SERIAL, see
// tests/CMakeLists.txt), with budgets large against the slack.
TEST(PerExampleSearch, Timing_HonoursBudgetAndDeadlineWithThreads) {
#ifdef NPEPS_SANITIZED
  GTEST_SKIP() << "wall-clock accuracy is a normal build's test: sanitizers slow the code 5-20x";
#endif
  const auto ex = unreachable_task(5);
  std::vector<UniformPolicy> ps(2);
  PerExampleOptions o;
  o.threads = 2;
  o.budget_s = 0.4;
  constexpr double kSlack = 0.25;
  {
    // Budgets alone: three rounds of 0.4 s on two threads.
    const Clock::time_point t0 = Clock::now();
    const PerExampleResult r = per_example_search(ex, pointers(ps), o, SearchLimits{});
    const double wall = seconds_since(t0);
    EXPECT_FALSE(r.full_solution.has_value());
    for (std::size_t e = 0; e < ex.size(); ++e) {
      EXPECT_LE(r.per_example[e].time_s, o.budget_s + kSlack) << e;
      // It ran (most of) its budget; the margin absorbs a loaded machine.
      EXPECT_GE(r.per_example[e].time_s, o.budget_s * 0.5) << e;
      EXPECT_GT(r.per_example[e].nodes, 0u) << e;
    }
    EXPECT_LE(wall, 5 * o.budget_s + kSlack);  // never slower than sequential
    EXPECT_LE(r.stats.time_s, wall);
  }
  {
    // A deadline inside the second round: later searches are cut or skipped.
    const Clock::time_point t0 = Clock::now();
    const SearchLimits limits = SearchLimits::with_timeout(0.6);
    const PerExampleResult r = per_example_search(ex, pointers(ps), o, limits);
    const double wall = seconds_since(t0);
    EXPECT_LE(wall, 0.6 + kSlack);  // 1.2 s without the deadline
    double total = 0;
    for (std::size_t e = 0; e < ex.size(); ++e) {
      EXPECT_LE(r.per_example[e].time_s, o.budget_s + kSlack) << e;
      total += r.per_example[e].time_s;
    }
    EXPECT_LE(total, 2 * (0.6 + kSlack));  // two threads, each stopped by the deadline
  }
}

TEST(PerExampleSearch, HonoursCancel) {
  const auto ex = unreachable_task(4);
  std::vector<UniformPolicy> ps(2);
  PerExampleOptions o;
  o.threads = 2;
  o.budget_s = 10;
  std::atomic<bool> cancel{true};
  SearchLimits limits;
  limits.cancel = &cancel;
  {
    const PerExampleResult r = per_example_search(ex, pointers(ps), o, limits);
    EXPECT_EQ(r.stats.nodes, 0u);
    for (const SearchStats& s : r.per_example) EXPECT_EQ(s.nodes, 0u);
  }
  cancel = false;
  const Clock::time_point t0 = Clock::now();
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    cancel = true;
  });
  const PerExampleResult r = per_example_search(ex, pointers(ps), o, limits);
  const double wall = seconds_since(t0);
  canceller.join();
  EXPECT_GE(wall, 0.05);
  EXPECT_LE(wall, 0.05 + 2.0);  // generous: uncancelled, it runs for 20 s
  EXPECT_GT(r.stats.nodes, 0u);
  EXPECT_TRUE(r.solutions.empty());
}

// Flags any call made while another call on the same policy is running.
class ExclusivePolicy final : public Policy {
 public:
  void evaluate(std::span<const PartialProgram> batch, PolicyOutput& out) override {
    if (active_.exchange(true)) ++overlaps;
    std::this_thread::sleep_for(std::chrono::microseconds(200));  // widen the window
    inner_.evaluate(batch, out);
    ++calls;
    active_.store(false);
  }
  std::atomic<int> overlaps{0};
  std::atomic<int> calls{0};

 private:
  std::atomic<bool> active_{false};
  UniformPolicy inner_;
};

TEST(PerExampleSearch, PolicyNeverUsedConcurrently) {
  const auto ex = unreachable_task(6);
  for (int threads : {2, 3, 8}) {
    std::vector<ExclusivePolicy> ps(threads);
    std::vector<Policy*> policies;
    for (auto& p : ps) policies.push_back(&p);
    PerExampleOptions o;
    o.threads = threads;
    o.max_nodes = 3000;
    const PerExampleResult r = per_example_search(ex, policies, o, SearchLimits{});
    int calls = 0;
    for (auto& p : ps) {
      EXPECT_EQ(p.overlaps.load(), 0);
      calls += p.calls.load();
    }
    EXPECT_EQ(static_cast<std::uint64_t>(calls), r.stats.model_calls);
    EXPECT_GT(calls, 0);
  }
}

TEST(PerExampleSearch, RejectsMalformedInput) {
  const auto ex = sort_or_reverse_task();
  std::vector<UniformPolicy> ps(2);
  auto policies = pointers(ps);
  PerExampleOptions o;
  o.threads = 3;
  EXPECT_THROW(per_example_search(ex, policies, o, SearchLimits{}), PerExampleSearchError);
  o.threads = 2;
  policies[1] = nullptr;
  EXPECT_THROW(per_example_search(ex, policies, o, SearchLimits{}), PerExampleSearchError);
  policies = pointers(ps);
  o.budget_s = 0;
  EXPECT_THROW(per_example_search(ex, policies, o, SearchLimits{}), PerExampleSearchError);
  o.budget_s = 1;
  EXPECT_THROW(per_example_search({}, policies, o, SearchLimits{}), PerExampleSearchError);
  auto mixed = ex;
  mixed[2].inputs[0] = Value::integer(3);
  EXPECT_THROW(per_example_search(mixed, policies, o, SearchLimits{}), PerExampleSearchError);
  o.beam.initial_beam = 0;
  EXPECT_THROW(per_example_search(ex, policies, o, SearchLimits{}), BeamSearchError);
}

}  // namespace
}  // namespace npeps
