#include "search/enumerator.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <string>
#include <thread>

#include "dsl/parser.h"
#include "tests/search/beam_test_policies.h"

namespace npeps {
namespace {

Value L(std::initializer_list<int> xs) { return Value::list(xs); }
Value I(int x) { return Value::integer(x); }

Statement S(Function f, Lambda l, int a, int b = 0) {
  const auto id = find_operator(f, l);
  EXPECT_TRUE(id.has_value());
  return Statement{*id, {static_cast<VarIndex>(a), static_cast<VarIndex>(b)}};
}
Statement S(Function f, int a, int b = 0) { return S(f, Lambda::None, a, b); }

struct NamedTask {
  std::string name;
  std::vector<Example> examples;
  Program reference;  // a known solution; the enumerator must find one no longer
};

std::vector<NamedTask> user_tasks() {
  using F = Function;
  using Lm = Lambda;
  const Type Li = Type::List, In = Type::Int;
  std::vector<NamedTask> t;
  t.push_back({"sum_of_positives",
               {{{L({1, -2, 3})}, I(4)},
                {{L({-5, -1})}, I(0)},
                {{L({7, 0, 2, -3, 1})}, I(10)},
                {{L({})}, I(0)}},
               {{Li}, {S(F::Filter, Lm::Positive, 0), S(F::Sum, 1)}}});
  t.push_back({"sort_descending",
               {{{L({3, 1, 2})}, L({3, 2, 1})},
                {{L({5, -1, 9, 0})}, L({9, 5, 0, -1})},
                {{L({})}, L({})},
                {{L({4, 4, 1})}, L({4, 4, 1})}},
               {{Li}, {S(F::Sort, 0), S(F::Reverse, 1)}}});
  t.push_back({"running_max",
               {{{L({1, 3, 2, 5, 4})}, L({1, 3, 3, 5, 5})},
                {{L({-2, -5, 0})}, L({-2, -2, 0})},
                {{L({9, 1})}, L({9, 9})}},
               {{Li}, {S(F::Scan1l, Lm::Max, 0)}}});
  t.push_back({"dot_product",
               {{{L({1, 2, 3}), L({4, 5, 6})}, I(32)},
                {{L({-1, 2}), L({3, 3})}, I(3)},
                {{L({0, 5, 1}), L({7, 2, -2})}, I(8)},
                {{L({2}), L({-4})}, I(-8)}},
               {{Li, Li}, {S(F::ZipWith, Lm::Mul, 0, 1), S(F::Sum, 2)}}});
  t.push_back({"count_evens",
               {{{L({1, 2, 4, 7})}, I(2)},
                {{L({})}, I(0)},
                {{L({-2, 0, 3, 8, 6})}, I(4)},
                {{L({5, 3})}, I(0)}},
               {{Li}, {S(F::Count, Lm::Even, 0)}}});
  t.push_back({"double_then_sort",
               {{{L({3, -1, 2})}, L({-2, 4, 6})},
                {{L({0, 10, 5})}, L({0, 10, 20})},
                {{L({-7})}, L({-14})},
                {{L({8, 1, 1})}, L({2, 2, 16})}},
               {{Li}, {S(F::Map, Lm::Times2, 0), S(F::Sort, 1)}}});
  t.push_back({"take_first_k",
               {{{I(2), L({5, 6, 7})}, L({5, 6})},
                {{I(0), L({1, 2})}, L({})},
                {{I(3), L({9, 8, 7, 6, 5})}, L({9, 8, 7})},
                {{I(1), L({4, 3})}, L({4})}},
               {{In, Li}, {S(F::Take, 0, 1)}}});
  t.push_back({"element_at_index",
               {{{L({5, 6, 7}), I(1)}, I(6)},
                {{L({1, -2, 4, 0}), I(3)}, I(0)},
                {{L({9, 8}), I(0)}, I(9)},
                {{L({3, 1, 4, 1, 5}), I(4)}, I(5)}},
               {{Li, In}, {S(F::Access, 1, 0)}}});
  t.push_back({"reverse",
               {{{L({1, 2, 3})}, L({3, 2, 1})}, {{L({})}, L({})}, {{L({5, -5})}, L({-5, 5})}},
               {{Li}, {S(F::Reverse, 0)}}});
  t.push_back({"largest_element",
               {{{L({3, 9, 2})}, I(9)}, {{L({-4, -8})}, I(-4)}, {{L({1, 1, 7, 0})}, I(7)}},
               {{Li}, {S(F::Sort, 0), S(F::Tail, 1)}}});
  t.push_back({"sum_of_squares_of_odds",
               {{{L({1, 2, 3})}, I(10)},
                {{L({4, 6})}, I(0)},
                {{L({-3, 5, 2, 1})}, I(35)},
                {{L({7})}, I(49)},
                {{L({0, -1, 8, 3})}, I(10)}},
               {{Li}, {S(F::Filter, Lm::Odd, 0), S(F::Map, Lm::Square, 1), S(F::Sum, 2)}}});
  t.push_back({"sum_of_k_largest",
               {{{I(2), L({3, 9, 2, 5})}, I(14)},
                {{I(1), L({-4, -8, 0})}, I(0)},
                {{I(3), L({1, 1, 7, 0, 4})}, I(12)},
                {{I(2), L({6, -1, 6})}, I(12)},
                {{I(0), L({5, 2})}, I(0)}},
               {{In, Li}, {S(F::Sort, 1), S(F::Reverse, 2), S(F::Take, 0, 3), S(F::Sum, 4)}}});
  t.push_back({"first_element_or_null",
               {{{L({4, 1})}, I(4)}, {{L({})}, Value::null()}, {{L({-3})}, I(-3)}},
               {{Li}, {S(F::Head, 0)}}});
  t.push_back({"pairwise_max_then_count_positive",
               {{{L({1, -2, 3}), L({-1, -5, 0})}, I(2)},
                {{L({-1, -2}), L({-3, -4})}, I(0)},
                {{L({0, 4, -6, 2}), L({5, -1, -7, 1})}, I(3)},
                {{L({-9}), L({9})}, I(1)}},
               {{Li, Li}, {S(F::ZipWith, Lm::Max, 0, 1), S(F::Count, Lm::Positive, 2)}}});
  return t;
}

// A node budget, not a wall-clock one: the result cannot depend on the
// machine's load.
constexpr std::uint64_t kNodeBudget = 200'000'000;
SearchLimits node_budget() {
  SearchLimits l;
  l.max_nodes = kNodeBudget;
  return l;
}

TEST(Enumerator, SolvesUserTasksWithShortestPrograms) {
  for (const NamedTask& t : user_tasks()) {
    SCOPED_TRACE(t.name);
    ASSERT_NO_THROW(check(t.reference));
    ASSERT_TRUE(satisfies(t.reference, t.examples)) << "test data";
    const SearchResult r = enumerate(t.examples, {}, node_budget());
    ASSERT_TRUE(r.solved()) << "nodes " << r.stats.nodes;
    EXPECT_TRUE(satisfies(*r.program, t.examples));
    EXPECT_NO_THROW(check(*r.program));
    EXPECT_LE(r.program->statements.size(), t.reference.statements.size());
    EXPECT_EQ(r.program->inputs, t.reference.inputs);
    EXPECT_GT(r.stats.nodes, 0u);
  }
}

TEST(Enumerator, DeterministicNodeCounts) {
  const NamedTask t = user_tasks()[10];  // sum of squares of odds, 3 statements
  const SearchResult a = enumerate(t.examples, {}, {});
  const SearchResult b = enumerate(t.examples, {}, {});
  ASSERT_TRUE(a.solved());
  EXPECT_EQ(a.stats.nodes, b.stats.nodes);
  EXPECT_EQ(*a.program, *b.program);
}

TEST(Enumerator, ConcurrentCallsAgree) {
  const auto tasks = user_tasks();
  std::vector<SearchResult> results(tasks.size() * 2);
  std::vector<std::thread> threads;
  for (int half = 0; half < 2; ++half)
    threads.emplace_back([&, half] {
      for (std::size_t i = 0; i < tasks.size(); ++i)
        results[half * tasks.size() + i] = enumerate(tasks[i].examples, {}, {});
    });
  for (auto& t : threads) t.join();
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    SCOPED_TRACE(tasks[i].name);
    ASSERT_TRUE(results[i].solved());
    ASSERT_TRUE(results[tasks.size() + i].solved());
    EXPECT_EQ(*results[i].program, *results[tasks.size() + i].program);
    EXPECT_EQ(results[i].stats.nodes, results[tasks.size() + i].stats.nodes);
  }
}

TEST(Enumerator, MaxLengthBoundsTheSearch) {
  const NamedTask t = user_tasks()[10];  // needs 3 statements
  EnumeratorOptions opts;
  opts.max_length = 2;
  const SearchResult r = enumerate(t.examples, opts, {});
  EXPECT_FALSE(r.solved());
  EXPECT_GT(r.stats.nodes, 0u);
}

// Random list inputs with random list outputs: no short program fits.
std::vector<Example> unsolvable_task() {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> val(-200, 200);
  std::vector<Example> ex;
  for (int e = 0; e < 5; ++e) {
    std::vector<int> in(10), out(8);
    for (int& x : in) x = val(rng);
    for (int& x : out) x = val(rng);
    ex.push_back({{Value::list(in), Value::integer(val(rng) % 5)}, Value::list(out)});
  }
  return ex;
}

// Resuming at min_length costs exactly the lengths skipped: each length's
// search is independent of the shorter ones.
TEST(Enumerator, MinLengthResumesWhereAShorterRunStopped) {
  EnumeratorOptions to2, only1, only2;
  to2.max_length = 2;
  only1.max_length = 1;
  only2.min_length = 2;
  only2.max_length = 2;
  const std::uint64_t n12 = enumerate(unsolvable_task(), to2, {}).stats.nodes;
  const std::uint64_t n1 = enumerate(unsolvable_task(), only1, {}).stats.nodes;
  const std::uint64_t n2 = enumerate(unsolvable_task(), only2, {}).stats.nodes;
  EXPECT_GT(n1, 0u);
  EXPECT_GT(n2, n1);
  EXPECT_EQ(n1 + n2, n12);
  // A task with a 1-statement solution, searched from length 2, finds none
  // shorter than 2.
  const NamedTask t = user_tasks()[0];
  const SearchResult short_one = enumerate(t.examples, {}, {});
  ASSERT_TRUE(short_one.solved());
  EnumeratorOptions longer;
  longer.min_length = static_cast<int>(short_one.program->statements.size()) + 1;
  longer.max_length = longer.min_length;
  const SearchResult r = enumerate(t.examples, longer, {});
  if (r.solved()) {
    EXPECT_GE(r.program->statements.size(), static_cast<std::size_t>(longer.min_length));
  }
}

// Any operator order searches each length completely: the same node count
// for a length with no solution, a program of the same (shortest) length
// for every task, and the order decides which one comes first.
TEST(Enumerator, OperatorOrderChangesOnlyWhichProgramComesFirst) {
  EnumeratorOptions natural, reversed;
  natural.max_length = reversed.max_length = 2;
  for (int k = kNumOperators - 1; k >= 0; --k)
    reversed.operator_order.push_back(static_cast<OperatorId>(k));
  EXPECT_EQ(enumerate(unsolvable_task(), natural, {}).stats.nodes,
            enumerate(unsolvable_task(), reversed, {}).stats.nodes);
  bool some_differ = false;
  for (const NamedTask& t : user_tasks()) {
    SCOPED_TRACE(t.name);
    const SearchResult a = enumerate(t.examples, {}, node_budget());
    EnumeratorOptions rev;
    rev.operator_order = reversed.operator_order;
    const SearchResult b = enumerate(t.examples, rev, node_budget());
    ASSERT_TRUE(a.solved());
    ASSERT_TRUE(b.solved());
    EXPECT_TRUE(satisfies(*b.program, t.examples));
    EXPECT_EQ(a.program->statements.size(), b.program->statements.size());
    some_differ = some_differ || a.stats.nodes != b.stats.nodes;
  }
  EXPECT_TRUE(some_differ);
  EnumeratorOptions bad;
  bad.operator_order = {0, 1, 2};  // not every operator
  EXPECT_THROW(enumerate(unsolvable_task(), bad, {}), EnumeratorError);
  bad.operator_order = reversed.operator_order;
  bad.operator_order[0] = bad.operator_order[1];  // a repeat
  EXPECT_THROW(enumerate(unsolvable_task(), bad, {}), EnumeratorError);
}

// Random tasks for the completeness check below: a random well-typed
// program of `length` statements over a LIST and an INT input, run on four
// random input pairs (each example must run without failing).
std::vector<std::vector<Example>> random_tasks(int count, int length, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> val(-8, 8), len(0, 6), pick(0, kNumOperators - 1);
  std::vector<std::vector<Example>> tasks;
  while (static_cast<int>(tasks.size()) < count) {
    Program p{{Type::List, Type::Int}, {}};
    std::vector<Type> types = p.inputs;
    while (static_cast<int>(p.statements.size()) < length) {
      const OperatorId id = static_cast<OperatorId>(pick(rng));
      const Operator& o = op(id);
      std::vector<int> as, bs;
      for (int v = 0; v < static_cast<int>(types.size()); ++v) {
        if (types[v] == o.args[0]) as.push_back(v);
        if (types[v] == o.args[1]) bs.push_back(v);
      }
      if (as.empty() || (o.arity == 2 && bs.empty())) continue;
      const int a = as[rng() % as.size()], b = o.arity == 2 ? bs[rng() % bs.size()] : 0;
      p.statements.push_back({id, {static_cast<VarIndex>(a), static_cast<VarIndex>(b)}});
      types.push_back(o.result);
    }
    std::vector<Example> ex;
    for (int e = 0; e < 4; ++e) {
      std::vector<int> xs(static_cast<std::size_t>(len(rng)));
      for (int& x : xs) x = val(rng);
      const std::vector<Value> in = {Value::list(xs), Value::integer(len(rng))};
      const RunResult r = run(p, in);
      if (r.status != EvalStatus::Ok || r.output.is_null()) break;
      ex.push_back({in, r.output});
    }
    if (ex.size() == 4) tasks.push_back(ex);
  }
  return tasks;
}

// canonical_order searches each interchangeable order of statements once
// and loses no program: on random tasks it finds a solution of the same
// (shortest) length as the search over every order, almost always the same
// program, and on a task with no short solution it searches fewer nodes
// per length.
TEST(Enumerator, CanonicalOrderKeepsEveryLengthComplete) {
  EnumeratorOptions canonical, every;
  every.canonical_order = false;
  canonical.max_length = every.max_length = 3;
  // The random programs need not use their INT input.
  canonical.require_inputs_used = every.require_inputs_used = false;
  int solved = 0, same = 0;
  std::uint64_t nodes_canonical = 0, nodes_every = 0;
  for (const auto& ex : random_tasks(150, 3, 11)) {
    const SearchResult a = enumerate(ex, canonical, node_budget());
    const SearchResult b = enumerate(ex, every, node_budget());
    ASSERT_EQ(a.solved(), b.solved());
    if (!a.solved()) continue;
    ++solved;
    EXPECT_TRUE(satisfies(*a.program, ex));
    ASSERT_EQ(a.program->statements.size(), b.program->statements.size());
    nodes_canonical += a.stats.nodes;
    nodes_every += b.stats.nodes;
    // The order kept is the one the search reaches first: the same program
    // comes first, in fewer nodes (but for two statements of one operator).
    if (*a.program == *b.program) {
      ++same;
      EXPECT_LE(a.stats.nodes, b.stats.nodes);
    }
  }
  EXPECT_GT(solved, 100);  // most random programs have a solution of length <= 3
  EXPECT_GT(same, solved * 9 / 10);
  EXPECT_LT(nodes_canonical, nodes_every);
  // (At length 2 there is nothing to prune: the last statement always uses
  // the one before it.)
  for (int length = 3; length <= 4; ++length) {
    canonical.min_length = every.min_length = length;
    canonical.max_length = every.max_length = length;
    const std::uint64_t a = enumerate(unsolvable_task(), canonical, {}).stats.nodes;
    const std::uint64_t b = enumerate(unsolvable_task(), every, {}).stats.nodes;
    EXPECT_LT(a, b) << "length " << length;
  }
}

// Two statements that do not use each other, in the order the rank puts
// last: the search still finds the program (in the other order).
TEST(Enumerator, CanonicalOrderFindsIndependentStatementsInEitherOrder) {
  using F = Function;
  for (const bool sort_first : {true, false}) {
    const Statement sort = S(F::Sort, 0), reverse = S(F::Reverse, 0);
    Program p{{Type::List},
              {sort_first ? sort : reverse, sort_first ? reverse : sort,
               S(F::ZipWith, Lambda::Sub, 1, 2)}};
    std::vector<Example> ex;
    for (const auto& xs : std::vector<std::vector<int>>{{3, 1, 2}, {5, -1, 9, 0}, {4, 4, 1, 7}})
      ex.push_back({{Value::list(xs)}, run(p, {Value::list(xs)}).output});
    const SearchResult r = enumerate(ex, {}, node_budget());
    ASSERT_TRUE(r.solved());
    EXPECT_TRUE(satisfies(*r.program, ex));
    EXPECT_EQ(r.program->statements.size(), 3u);
  }
}

TEST(Enumerator, NumOperatorsRestrictsStatementsToTheOrdersPrefix) {
  const Program target = parse_compact(test::kTimesThreeMinusOneThrice);
  const std::vector<Example> ex = test::times_three_minus_one_thrice();
  ASSERT_TRUE(satisfies(target, ex));
  const OperatorId times3 = target.statements[0].op, minus1 = target.statements[1].op;
  EnumeratorOptions focus;
  focus.max_length = 6;
  focus.operator_order = {times3, minus1};
  for (int k = 0; k < kNumOperators; ++k)
    if (k != times3 && k != minus1) focus.operator_order.push_back(static_cast<OperatorId>(k));
  focus.num_operators = 2;
  const SearchResult r = enumerate(ex, focus, node_budget());
  ASSERT_TRUE(r.solved());
  EXPECT_TRUE(satisfies(*r.program, ex));
  for (const Statement& s : r.program->statements) EXPECT_TRUE(s.op == times3 || s.op == minus1);
  // The whole operator set does not get there in 20 times the nodes.
  EnumeratorOptions all = focus;
  all.num_operators = 0;
  SearchLimits more;
  more.max_nodes = 20 * r.stats.nodes;
  EXPECT_FALSE(enumerate(ex, all, more).solved());
  // With MAP(*3) alone there is no such program: every length is searched.
  focus.num_operators = 1;
  const SearchResult none = enumerate(ex, focus, node_budget());
  EXPECT_FALSE(none.solved());
  EXPECT_LT(none.stats.nodes, node_budget().max_nodes);
  focus.num_operators = kNumOperators + 1;
  EXPECT_THROW(enumerate(ex, focus, {}), EnumeratorError);
  focus.num_operators = -1;
  EXPECT_THROW(enumerate(ex, focus, {}), EnumeratorError);
}

TEST(Enumerator, HonoursDeadline) {
  const auto start = Clock::now();
  const SearchResult r = enumerate(unsolvable_task(), {}, SearchLimits::with_timeout(0.3));
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_FALSE(r.solved());
  // Generous (ctest runs in parallel on a busy machine); without the
  // deadline the search runs for hours.
  EXPECT_LT(elapsed, 0.3 + 2.0);
  EXPECT_GE(elapsed, 0.3);  // it searched until the deadline, never stopping early
  EXPECT_GT(r.stats.nodes, 1000u);
}

TEST(Enumerator, HonoursMaxNodesExactly) {
  SearchLimits limits;
  limits.max_nodes = 12345;
  const SearchResult r = enumerate(unsolvable_task(), {}, limits);
  EXPECT_FALSE(r.solved());
  EXPECT_EQ(r.stats.nodes, 12345u);
}

TEST(Enumerator, HonoursCancelFlag) {
  std::atomic<bool> cancel{true};
  SearchLimits limits;
  limits.cancel = &cancel;
  SearchResult r = enumerate(unsolvable_task(), {}, limits);
  EXPECT_FALSE(r.solved());
  EXPECT_LE(r.stats.nodes, 1024u);

  cancel = false;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancel = true;
  });
  const auto start = Clock::now();
  r = enumerate(unsolvable_task(), {}, limits);
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  canceller.join();
  EXPECT_FALSE(r.solved());
  EXPECT_LT(elapsed, 5.0);  // uncancelled, it runs for hours
}

TEST(Enumerator, InconsistentOutputKindsAreUnsolvable) {
  const std::vector<Example> ex = {{{L({1})}, L({1})}, {{L({2})}, I(2)}};
  const SearchResult r = enumerate(ex, {}, {});
  EXPECT_FALSE(r.solved());
  EXPECT_EQ(r.stats.nodes, 0u);
}

TEST(Enumerator, RejectsMalformedExamples) {
  EXPECT_THROW(enumerate({}, {}, {}), EnumeratorError);
  EXPECT_THROW(enumerate({{{L({1})}, I(1)}, {{I(1)}, I(1)}}, {}, {}), EnumeratorError);
  EXPECT_THROW(enumerate({{{L({1})}, I(1)}, {{L({1}), I(2)}, I(1)}}, {}, {}), EnumeratorError);
  EXPECT_THROW(enumerate({{{Value::null()}, I(1)}}, {}, {}), EnumeratorError);
  EXPECT_THROW(enumerate({{{}, I(1)}}, {}, {}), EnumeratorError);
  EnumeratorOptions bad;
  bad.max_length = 0;
  EXPECT_THROW(enumerate({{{L({1})}, I(1)}}, bad, {}), EnumeratorError);
  EnumeratorOptions past_max;
  past_max.max_length = 3;
  past_max.min_length = 4;
  EXPECT_THROW(enumerate({{{L({1})}, I(1)}}, past_max, {}), EnumeratorError);
  past_max.min_length = 0;
  EXPECT_THROW(enumerate({{{L({1})}, I(1)}}, past_max, {}), EnumeratorError);
  try {
    enumerate({{{L({1})}, I(1)}, {{I(1)}, I(1)}}, {}, {});
  } catch (const EnumeratorError& e) {
    EXPECT_NE(std::string(e.what()).find("example 2, input 1 is INT"), std::string::npos)
        << e.what();
  }
}

TEST(Enumerator, UnusedInputAllowedWhenNotRequired) {
  // Output is the list reversed; the INT input is irrelevant.
  const std::vector<Example> ex = {{{L({1, 2}), I(3)}, L({2, 1})},
                                   {{L({5, 6, 7}), I(0)}, L({7, 6, 5})},
                                   {{L({4}), I(-2)}, L({4})}};
  EnumeratorOptions opts;
  opts.require_inputs_used = false;
  const SearchResult loose = enumerate(ex, opts, node_budget());
  ASSERT_TRUE(loose.solved());
  EXPECT_EQ(loose.program->statements.size(), 1u);
  // Requiring every input forces a longer program that also uses the INT.
  const SearchResult strict = enumerate(ex, {}, node_budget());
  ASSERT_TRUE(strict.solved());
  EXPECT_GT(strict.program->statements.size(), 1u);
  EXPECT_TRUE(satisfies(*strict.program, ex));
}

// ---- Pruning is sound: the length found equals a brute-force shortest. ----

// Every well-typed program of `length` statements over `types`, unpruned.
// With `all_inputs`, only programs whose output depends on every input
// count (an input read only by dead code does not).
bool uses_all_inputs(const Program& p) {
  std::vector<bool> live(p.num_vars(), false);
  live.back() = true;
  const int k = static_cast<int>(p.inputs.size());
  for (int i = static_cast<int>(p.statements.size()) - 1; i >= 0; --i) {
    if (!live[k + i]) continue;
    const Statement& s = p.statements[i];
    live[s.args[0]] = true;
    if (op(s.op).arity == 2) live[s.args[1]] = true;
  }
  for (int v = 0; v < k; ++v)
    if (!live[v]) return false;
  return true;
}

bool brute_force(Program& p, int length, const std::vector<Example>& ex, bool all_inputs) {
  if (static_cast<int>(p.statements.size()) == length)
    return (!all_inputs || uses_all_inputs(p)) && satisfies(p, ex);
  const int n = p.num_vars();
  for (int id = 0; id < kNumOperators; ++id) {
    const Operator& o = op(static_cast<OperatorId>(id));
    for (int a = 0; a < n; ++a) {
      if (p.var_type(a) != o.args[0]) continue;
      for (int b = 0; b < (o.arity == 2 ? n : 1); ++b) {
        if (o.arity == 2 && p.var_type(b) != o.args[1]) continue;
        p.statements.push_back(Statement{static_cast<OperatorId>(id),
                                         {static_cast<VarIndex>(a), static_cast<VarIndex>(b)}});
        const bool ok = brute_force(p, length, ex, all_inputs);
        p.statements.pop_back();
        if (ok) return true;
      }
    }
  }
  return false;
}

TEST(Enumerator, ShortestLengthMatchesBruteForce) {
  std::mt19937 rng(2024);
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int checked = 0;
  for (int trial = 0; trial < 2000 && checked < 400; ++trial) {
    const bool all_inputs = trial % 2 == 0;
    // A random program of 1..3 statements over 1..3 inputs.
    Program src;
    const int k = uni(1, 3);
    src.inputs.push_back(Type::List);
    for (int i = 1; i < k; ++i) src.inputs.push_back(uni(0, 1) ? Type::List : Type::Int);
    const int len = uni(1, 4) == 1 ? 1 : uni(2, 3);
    while (static_cast<int>(src.statements.size()) < len) {
      const auto id = static_cast<OperatorId>(uni(0, kNumOperators - 1));
      const Operator& o = op(id);
      std::vector<int> as, bs;
      for (int v = 0; v < src.num_vars(); ++v) {
        if (src.var_type(v) == o.args[0]) as.push_back(v);
        if (src.var_type(v) == o.args[1]) bs.push_back(v);
      }
      if (as.empty() || (o.arity == 2 && bs.empty())) continue;
      Statement s{id, {static_cast<VarIndex>(as[uni(0, as.size() - 1)]), 0}};
      if (o.arity == 2) s.args[1] = static_cast<VarIndex>(bs[uni(0, bs.size() - 1)]);
      src.statements.push_back(s);
    }
    std::vector<Example> ex;
    for (int e = 0; e < 4; ++e) {
      Example x;
      for (Type t : src.inputs) {
        if (t == Type::Int) {
          x.inputs.push_back(I(uni(-2, 6)));
        } else {
          std::vector<int> xs(uni(0, 8));
          for (int& v : xs) v = uni(-10, 10);
          x.inputs.push_back(Value::list(xs));
        }
      }
      const RunResult r = run(src, x.inputs);
      if (r.status != EvalStatus::Ok) break;
      x.output = r.output;
      ex.push_back(x);
    }
    if (ex.size() != 4) continue;
    if (all_inputs && !uses_all_inputs(src)) continue;
    int shortest = len;
    for (int l = 1; l < len; ++l) {
      Program p{src.inputs, {}};
      if (brute_force(p, l, ex, all_inputs)) {
        shortest = l;
        break;
      }
    }
    EnumeratorOptions opts;
    opts.require_inputs_used = all_inputs;
    opts.max_length = len;
    const SearchResult r = enumerate(ex, opts, {});
    SCOPED_TRACE("trial " + std::to_string(trial) + (all_inputs ? " all inputs" : ""));
    ASSERT_TRUE(r.solved());
    EXPECT_EQ(static_cast<int>(r.program->statements.size()), shortest);
    EXPECT_TRUE(satisfies(*r.program, ex));
    ++checked;
  }
  EXPECT_GE(checked, 300);
}

}  // namespace
}  // namespace npeps
