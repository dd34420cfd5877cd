#include "search/beam_search.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "tests/search/beam_test_policies.h"

namespace npeps {
namespace {

using test::CountingPolicy;
using test::examples_of;
using test::OraclePolicy;
using test::stmt;
using F = Function;
using L = Lambda;

Value list(std::initializer_list<int> xs) { return Value::list(xs); }

std::vector<std::vector<Value>> one_list_inputs() {
  return {{list({3, -1, 4, 1, 5})},
          {list({2, 7, -3})},
          {list({0, 5, 5, 1, -2, 6})},
          {list({-4, -4, 2})},
          {list({9, 8, 1, 0})}};
}

std::vector<Example> examples_with_output(std::vector<std::vector<Value>> inputs,
                                          const std::vector<Value>& outputs) {
  std::vector<Example> ex;
  for (std::size_t e = 0; e < inputs.size(); ++e) ex.push_back(Example{inputs[e], outputs[e]});
  return ex;
}

// The same input with two different outputs: no program solves it.
std::vector<Example> unsolvable() {
  return examples_with_output({{list({1, 2, 3})}, {list({1, 2, 3})}},
                              {Value::integer(5), Value::integer(6)});
}

BeamSearchOptions single_beam(int beam, int max_depth) {
  BeamSearchOptions o;
  o.initial_beam = o.max_beam = beam;
  o.max_depth = max_depth;
  return o;
}

// PCCoder's CAB, without the one-step lookahead: the tests of the beam's
// own mechanics (policy calls, widths, drops) use it.
BeamSearchOptions pccoder_cab() {
  BeamSearchOptions o;
  o.lookahead = false;
  return o;
}

TEST(BeamSearch, UniformFindsSort) {
  std::vector<Value> outs;
  for (auto& in : one_list_inputs()) {
    auto v = in[0].as_vector();
    std::sort(v.begin(), v.end());
    outs.push_back(Value::list(v));
  }
  const auto ex = examples_with_output(one_list_inputs(), outs);
  UniformPolicy policy;
  const SearchResult r = beam_search(ex, policy, pccoder_cab(), SearchLimits::with_timeout(10));
  ASSERT_TRUE(r.solved());
  EXPECT_TRUE(satisfies(*r.program, ex));
  EXPECT_EQ(r.program->statements.size(), 1u);
  EXPECT_EQ(r.stats.model_calls, 1u);
  EXPECT_EQ(r.stats.model_states, 1u);
  EXPECT_GT(r.stats.nodes, 0u);
  EXPECT_EQ(r.stats.checks, 0u);

  // The lookahead tests the root's one-statement programs before any
  // policy call: no call at all, nothing expanded.
  const SearchResult l =
      beam_search(ex, policy, BeamSearchOptions{}, SearchLimits::with_timeout(10));
  ASSERT_TRUE(l.solved());
  EXPECT_EQ(*l.program, *r.program);
  EXPECT_EQ(l.stats.model_calls, 0u);
  EXPECT_EQ(l.stats.nodes, 0u);
  EXPECT_GT(l.stats.checks, 0u);
}

TEST(BeamSearch, UniformFindsReverseThenAccess) {
  // Second element from the end: REVERSE then ACCESS 1 needs an INT, so use
  // the 2-input form (INT, LIST) with the index as input.
  Program target{{Type::Int, Type::List},
                 {stmt(F::Reverse, L::None, 1), stmt(F::Access, L::None, 0, 2)}};
  const auto ex = examples_of(target, {{Value::integer(1), list({3, -1, 4, 1, 5})},
                                       {Value::integer(0), list({2, 7, -3})},
                                       {Value::integer(2), list({0, 5, 5, 1, -2, 6})},
                                       {Value::integer(1), list({-4, 3, 2})},
                                       {Value::integer(3), list({9, 8, 1, 0})}});
  UniformPolicy policy;
  BeamSearchOptions o;
  o.initial_width = 0;  // every well-typed statement
  o.max_depth = 2;      // CAB must widen the beam until the 2-statement program fits
  const SearchResult r = beam_search(ex, policy, o, SearchLimits::with_timeout(10));
  ASSERT_TRUE(r.solved());
  EXPECT_TRUE(satisfies(*r.program, ex));
  EXPECT_LE(r.program->statements.size(), 2u);
}

TEST(BeamSearch, OracleFindsLengthSixProgramWithTinyBeam) {
  Program target{
      {Type::Int, Type::List},
      {stmt(F::Sort, L::None, 1), stmt(F::Map, L::Times2, 2), stmt(F::Drop, L::None, 0, 3),
       stmt(F::Scan1l, L::Add, 4), stmt(F::Reverse, L::None, 5), stmt(F::ZipWith, L::Max, 6, 3)}};
  const auto ex = examples_of(target, {{Value::integer(1), list({3, -1, 4, 1, 5})},
                                       {Value::integer(0), list({2, 7, -3})},
                                       {Value::integer(2), list({0, 5, 5, 1, -2, 6})},
                                       {Value::integer(1), list({-4, 3, 2})},
                                       {Value::integer(3), list({9, 8, 1, 0, 4})}});
  OraclePolicy policy(target);
  BeamSearchOptions o = pccoder_cab();
  o.initial_beam = 1;
  o.max_beam = 10;
  o.max_depth = 8;
  const SearchResult r = beam_search(ex, policy, o, SearchLimits::with_timeout(10));
  ASSERT_TRUE(r.solved());
  EXPECT_TRUE(satisfies(*r.program, ex));
  EXPECT_EQ(*r.program, target);  // the oracle's path is the only one taken at beam 1
  EXPECT_EQ(r.stats.model_calls, 6u);
  EXPECT_EQ(r.stats.model_states, 6u);

  // With the lookahead the last statement needs no policy call.
  o.lookahead = true;
  const SearchResult l = beam_search(ex, policy, o, SearchLimits::with_timeout(10));
  ASSERT_TRUE(l.solved());
  EXPECT_TRUE(satisfies(*l.program, ex));
  EXPECT_EQ(l.program->statements.size(), 6u);
  EXPECT_EQ(l.stats.model_calls, 5u);
}

// A policy that never proposes `banned` (log-probability -inf) and is
// uniform over the rest.
class BanningPolicy final : public Policy {
 public:
  explicit BanningPolicy(OperatorId banned) : banned_(banned) {}
  void evaluate(std::span<const PartialProgram> batch, PolicyOutput& out) override {
    inner_.evaluate(batch, out);
    for (std::size_t i = 0; i < batch.size(); ++i)
      for (int s = 0; s < kNumStatements; ++s)
        if (statement_at(s).op == banned_) out.statement_logprob[i * kNumStatements + s] = -INFINITY;
  }

 private:
  OperatorId banned_;
  UniformPolicy inner_;
};

// The lookahead tests every well-typed last statement, whatever the
// policy's opinion: a program whose last operator the policy never
// proposes is found with it and not without it.
TEST(BeamSearch, LookaheadFindsLastStatementsThePolicyRulesOut) {
  Program target{{Type::List}, {stmt(F::Sort, L::None, 0), stmt(F::Scan1l, L::Add, 1)}};
  const auto ex = examples_of(target, {{list({3, -1, 4, 1, 5})},
                                       {list({2, 7, -3})},
                                       {list({0, 5, 6, 1, -2})},
                                       {list({-4, 3, 2})},
                                       {list({9, 8, 1, 0})}});
  const OperatorId banned = *find_operator(F::Scan1l, L::Add);
  BanningPolicy policy(banned);
  BeamSearchOptions o;
  o.max_depth = 3;
  o.max_beam = 400;
  const SearchResult l = beam_search(ex, policy, o, SearchLimits::with_timeout(10));
  ASSERT_TRUE(l.solved());
  EXPECT_TRUE(satisfies(*l.program, ex));
  EXPECT_LE(l.program->statements.size(), 2u);
  EXPECT_GT(l.stats.checks, 0u);

  o.lookahead = false;
  const SearchResult r = beam_search(ex, policy, o, SearchLimits::with_timeout(10));
  EXPECT_FALSE(r.solved());  // no program of 3 statements without SCAN1L + does it
  EXPECT_EQ(r.stats.checks, 0u);
}

// 13 statements on one input: slots fill after 10, so the last three
// overwrite slots the drop head names.
Program long_program() {
  return Program{{Type::List},
                 {stmt(F::Map, L::Plus1, 0),           // v1
                  stmt(F::Map, L::Times2, 1),          // v2
                  stmt(F::ZipWith, L::Add, 2, 0),      // v3
                  stmt(F::Sort, L::None, 3),           // v4
                  stmt(F::Reverse, L::None, 4),        // v5
                  stmt(F::Scan1l, L::Max, 5),          // v6
                  stmt(F::Map, L::Minus1, 6),          // v7
                  stmt(F::ZipWith, L::Sub, 7, 1),      // v8
                  stmt(F::Map, L::Times3, 8),          // v9
                  stmt(F::Map, L::Div2, 8),            // v10
                  stmt(F::ZipWith, L::Min, 10, 2),     // v11
                  stmt(F::ZipWith, L::Add, 11, 3),     // v12
                  stmt(F::ZipWith, L::Add, 12, 11)}};  // v13
}

TEST(BeamSearch, ProgramsLongerThanMemoryUseTheDropHead) {
  const Program target = long_program();
  // Inputs with distinct values so no intermediate list repeats another.
  const auto ex = examples_of(target, {{list({3, -1, 4, 1, 5})},
                                       {list({2, 7, -3})},
                                       {list({0, 5, 6, 1, -2})},
                                       {list({-4, 3, 2})},
                                       {list({9, 8, 1, 0})}});
  OraclePolicy policy(target);
  ASSERT_EQ(policy.num_drops(), 3);
  BeamSearchOptions o = single_beam(1, 13);
  o.lookahead = false;  // the oracle's own path, drops included
  const SearchResult r = beam_search(ex, policy, o, SearchLimits::with_timeout(10));
  ASSERT_TRUE(r.solved());
  EXPECT_TRUE(satisfies(*r.program, ex));
  EXPECT_EQ(*r.program, target);
  EXPECT_EQ(r.program->statements.size(), 13u);

  // Control: the same oracle without drop advice overwrites slot 0 each
  // time, losing v11 before the last statement reads it.
  OraclePolicy no_drops(target, /*good_drops=*/false);
  const SearchResult bad = beam_search(ex, no_drops, o, SearchLimits::with_timeout(10));
  EXPECT_FALSE(bad.solved());
}

TEST(BeamSearch, DeadlineHonoured) {
  UniformPolicy policy;
  BeamSearchOptions o;
  o.initial_width = 0;
  o.max_beam = 25600;  // without a limit, ~10 s (3,200: 1 s)
  const double timeout = 0.05;
  const auto start = Clock::now();
  const SearchResult r = beam_search(unsolvable(), policy, o, SearchLimits::with_timeout(timeout));
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_FALSE(r.solved());
  // A generous bound (ctest runs tests in parallel on a busy machine): the
  // search without a deadline runs for many seconds.
  EXPECT_LT(elapsed, timeout + 1.0);
  // It may stop a little early: a policy call predicted to end past the
  // deadline is not started (see ModelCallThatWouldOverrunIsSkipped).
  EXPECT_GT(r.stats.nodes, 0u);
}

// A policy whose cost grows with the batch: 1 ms per state.
class SlowPolicy final : public Policy {
 public:
  void evaluate(std::span<const PartialProgram> batch, PolicyOutput& out) override {
    last_start = Clock::now();
    last_batch = batch.size();
    std::this_thread::sleep_for(std::chrono::milliseconds(batch.size()));
    uniform_.evaluate(batch, out);
    ++calls;
    largest = std::max(largest, batch.size());
  }
  int calls = 0;
  std::size_t largest = 0;
  Clock::time_point last_start;
  std::size_t last_batch = 0;

 private:
  UniformPolicy uniform_;
};

// Regression: a model call cannot be interrupted, so CAB used to start one
// on a beam of thousands right before the deadline and overran it by the
// length of the call (0.9 s past a 4 s budget with the real network).
TEST(BeamSearch, ModelCallThatWouldOverrunIsSkipped) {
  SlowPolicy policy;
  BeamSearchOptions o;
  o.initial_beam = 40;  // beams of 40 states cost 40 ms a call
  o.initial_width = 0;
  const SearchLimits limits = SearchLimits::with_timeout(0.25);
  const SearchResult r = beam_search(unsolvable(), policy, o, limits);
  EXPECT_FALSE(r.solved());
  EXPECT_GE(policy.largest, 16u);  // the cost per state was learned from a real batch
  // Without the prediction the last call (40 ms) always ends past the
  // deadline. The measured cost per state is at least the 1 ms slept, so
  // every call the search started was predicted to end in time at 1 ms a
  // state: a check free of wall-clock windows, whatever the machine's load
  // (1 ms covers building the batch between the prediction and the call).
  const auto nominal_end = policy.last_start + std::chrono::milliseconds(policy.last_batch);
  EXPECT_LE(nominal_end, limits.deadline + std::chrono::milliseconds(1))
      << policy.calls << " calls";
}

TEST(BeamSearch, CancelHonoured) {
  UniformPolicy policy;
  BeamSearchOptions o;
  o.initial_width = 0;
  o.max_beam = 25600;  // without a limit, ~10 s (3,200: 1 s)
  std::atomic<bool> cancel{true};
  SearchLimits limits;
  limits.cancel = &cancel;
  SearchResult r = beam_search(unsolvable(), policy, o, limits);
  EXPECT_FALSE(r.solved());
  EXPECT_EQ(r.stats.nodes, 0u);
  EXPECT_EQ(r.stats.model_calls, 0u);

  cancel = false;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    cancel = true;
  });
  const auto start = Clock::now();
  r = beam_search(unsolvable(), policy, o, limits);
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  stopper.join();
  EXPECT_FALSE(r.solved());
  EXPECT_LT(elapsed, 0.02 + 2.0);  // generous: uncancelled, it runs for many seconds
}

TEST(BeamSearch, MaxNodesIsExact) {
  UniformPolicy policy;
  SearchLimits limits;
  limits.max_nodes = 777;
  BeamSearchOptions o;
  o.initial_width = 0;
  const SearchResult r = beam_search(unsolvable(), policy, o, limits);
  EXPECT_FALSE(r.solved());
  EXPECT_EQ(r.stats.nodes, 777u);
}

TEST(BeamSearch, PolicyCalledOncePerStepWithTheWholeBeam) {
  CountingPolicy policy;
  BeamSearchOptions o = single_beam(50, 4);
  o.lookahead = false;
  o.initial_width = 0;
  const SearchResult r = beam_search(unsolvable(), policy, o, SearchLimits{});
  EXPECT_FALSE(r.solved());
  // Steps 0..3: the root, its children (fewer than 50 for one list input),
  // then full beams. The last step's children are only checked, never scored.
  ASSERT_EQ(policy.calls.size(), 4u);
  for (std::size_t d = 0; d < policy.calls.size(); ++d)
    EXPECT_EQ(policy.calls[d].depth, static_cast<int>(d));
  EXPECT_EQ(policy.calls[0].batch, 1u);
  EXPECT_GT(policy.calls[1].batch, 10u);
  EXPECT_LT(policy.calls[1].batch, 50u);
  EXPECT_EQ(policy.calls[2].batch, 50u);
  EXPECT_EQ(policy.calls[3].batch, 50u);
  EXPECT_EQ(r.stats.model_calls, 4u);
  EXPECT_EQ(r.stats.model_states, 1u + policy.calls[1].batch + 2 * 50u);

  // The lookahead tests the last step's children instead: one call fewer.
  CountingPolicy ahead;
  o.lookahead = true;
  const SearchResult l = beam_search(unsolvable(), ahead, o, SearchLimits{});
  EXPECT_FALSE(l.solved());
  ASSERT_EQ(ahead.calls.size(), 3u);
  for (std::size_t d = 0; d < ahead.calls.size(); ++d)
    EXPECT_EQ(ahead.calls[d].batch, policy.calls[d].batch);
  EXPECT_GT(l.stats.checks, 0u);
}

TEST(BeamSearch, CabGrowsTheBeamUntilMaxBeam) {
  CountingPolicy policy;
  BeamSearchOptions o = pccoder_cab();
  o.initial_beam = 5;
  o.max_beam = 30;  // beams 5, 10, 20, 30
  o.max_depth = 2;
  const SearchResult r = beam_search(unsolvable(), policy, o, SearchLimits{});
  EXPECT_FALSE(r.solved());
  std::vector<std::size_t> second_step;
  for (const auto& c : policy.calls)
    if (c.depth == 1) second_step.push_back(c.batch);
  EXPECT_EQ(second_step, (std::vector<std::size_t>{5, 10, 20, 30}));
}

TEST(BeamSearch, ExhaustiveSearchIsNotRepeated) {
  CountingPolicy policy;
  BeamSearchOptions o = pccoder_cab();
  o.initial_width = 0;
  o.max_depth = 1;
  o.initial_beam = 1000;  // more than the root's children: nothing is cut
  const SearchResult r = beam_search(unsolvable(), policy, o, SearchLimits{});
  EXPECT_FALSE(r.solved());
  EXPECT_EQ(policy.calls.size(), 1u);

  // With the lookahead a one-statement search needs no policy at all.
  CountingPolicy ahead;
  o.lookahead = true;
  EXPECT_FALSE(beam_search(unsolvable(), ahead, o, SearchLimits{}).solved());
  EXPECT_TRUE(ahead.calls.empty());
}

// The next beam, for a 1-list-input task explored exhaustively, holds
// exactly the root's children that succeed on every example and (with
// skip_duplicate_values) differ from the input; recomputed here directly.
TEST(BeamSearch, ChildrenAreTheValidNonDuplicateStatements) {
  const auto ex = unsolvable();
  std::size_t valid = 0, fresh = 0;
  for (const Statement& s : statement_space()) {
    const Operator& o = op(s.op);
    if (s.args[0] != 0 || (o.arity == 2 && s.args[1] != 0)) continue;
    if (o.args[0] != Type::List || (o.arity == 2 && o.args[1] != Type::List)) continue;
    bool ok = true, dup = true;
    for (const Example& e : ex) {
      Value r;
      ok = ok && apply(s.op, e.inputs[0], e.inputs[0], r) == EvalStatus::Ok;
      dup = dup && r == e.inputs[0];
    }
    valid += ok;
    fresh += ok && !dup;
  }
  ASSERT_GT(valid, fresh);  // e.g. SORT of a sorted list repeats the input
  for (bool skip : {true, false}) {
    CountingPolicy policy;
    BeamSearchOptions o = single_beam(10000, 2);
    o.lookahead = false;
    o.initial_width = 0;
    o.skip_duplicate_values = skip;
    beam_search(ex, policy, o, SearchLimits{});
    ASSERT_EQ(policy.calls.size(), 2u);
    EXPECT_EQ(policy.calls[1].batch, skip ? fresh : valid);
  }
}

TEST(BeamSearch, Deterministic) {
  Program target{{Type::List},
                 {stmt(F::Filter, L::Even, 0), stmt(F::Map, L::Div2, 1), stmt(F::Sort, L::None, 2),
                  stmt(F::Tail, L::None, 3)}};
  const auto ex = examples_of(target, {{list({3, -2, 4, 10, 5})},
                                       {list({2, 7, -4, 8})},
                                       {list({0, 6, 12, 1, -2})},
                                       {list({-4, 3, 2, 6})},
                                       {list({9, 8, 1, 0, 22})}});
  UniformPolicy policy;
  BeamSearchOptions o;
  o.max_beam = 1600;
  const SearchResult a = beam_search(ex, policy, o, SearchLimits::with_timeout(20));
  const SearchResult b = beam_search(ex, policy, o, SearchLimits::with_timeout(20));
  ASSERT_TRUE(a.solved());
  ASSERT_TRUE(b.solved());
  EXPECT_TRUE(satisfies(*a.program, ex));
  EXPECT_EQ(*a.program, *b.program);
  EXPECT_EQ(a.stats.nodes, b.stats.nodes);
  EXPECT_EQ(a.stats.model_states, b.stats.model_states);
}

TEST(BeamSearch, RejectsMalformedInput) {
  UniformPolicy policy;
  const SearchLimits limits;
  EXPECT_THROW(beam_search({}, policy, {}, limits), BeamSearchError);
  auto ex = unsolvable();
  ex[1].inputs[0] = Value::integer(3);
  EXPECT_THROW(beam_search(ex, policy, {}, limits), BeamSearchError);
  BeamSearchOptions o;
  o.beam_growth = 1;
  EXPECT_THROW(beam_search(unsolvable(), policy, o, limits), BeamSearchError);
  o = {};
  o.max_depth = 0;
  EXPECT_THROW(beam_search(unsolvable(), policy, o, limits), BeamSearchError);
}

// A policy that returns the wrong number of scores is a programming error.
class BrokenPolicy final : public Policy {
 public:
  void evaluate(std::span<const PartialProgram>, PolicyOutput& out) override {
    out.statement_logprob.assign(3, 0.0f);
    out.drop_logit.clear();
  }
};

TEST(BeamSearch, RejectsWrongSizedPolicyOutput) {
  BrokenPolicy policy;
  EXPECT_THROW(beam_search(unsolvable(), policy, {}, SearchLimits{}), std::logic_error);
}

}  // namespace
}  // namespace npeps
