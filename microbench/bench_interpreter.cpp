// Interpreter throughput: single statements (apply on 5 examples, all 38
// operators mixed) and whole programs (run()). Inputs are seeded random
// lists, so the numbers are comparable between commits.
//   ./bench_interpreter --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "dsl/ops.h"
#include "dsl/program.h"

namespace npeps {
namespace {

constexpr int kExamples = 5;

Value random_list(std::mt19937_64& rng) {
  std::vector<int> xs(std::uniform_int_distribution<int>(0, kMaxListLength)(rng));
  for (int& x : xs) x = std::uniform_int_distribution<int>(-64, 64)(rng);
  return Value::list(xs);
}

// One statement on 5 examples = one item. Every operator in turn, on
// argument lists (and small ints for TAKE/DROP/ACCESS) drawn per example.
void BM_ApplyStatement(benchmark::State& state) {
  std::mt19937_64 rng(1);
  std::vector<Value> lists_a, lists_b, ints;
  for (int e = 0; e < kExamples; ++e) {
    lists_a.push_back(random_list(rng));
    lists_b.push_back(random_list(rng));
    ints.push_back(Value::integer(std::uniform_int_distribution<int>(-3, 10)(rng)));
  }
  std::int64_t statements = 0, ok = 0;
  Value out;
  for (auto _ : state) {
    for (int id = 0; id < kNumOperators; ++id) {
      const Operator& o = op(static_cast<OperatorId>(id));
      const std::vector<Value>& a = o.args[0] == Type::Int ? ints : lists_a;
      for (int e = 0; e < kExamples; ++e) {
        ok += apply(static_cast<OperatorId>(id), a[e], lists_b[e], out) == EvalStatus::Ok;
        benchmark::DoNotOptimize(out);
      }
      ++statements;
    }
  }
  state.SetItemsProcessed(statements);
  state.counters["statements_per_s"] =
      benchmark::Counter(double(statements), benchmark::Counter::kIsRate);
  state.counters["ok_fraction"] = double(ok) / double(statements * kExamples);
}
BENCHMARK(BM_ApplyStatement);

Statement st(Function f, Lambda l, int a, int b = 0) {
  return Statement{*find_operator(f, l), {static_cast<VarIndex>(a), static_cast<VarIndex>(b)}};
}

// Whole programs (4-5 statements) with run(): one item = one program run
// on one example (run() allocates its variable vector, as it may).
void BM_RunProgram(benchmark::State& state) {
  using F = Function;
  using L = Lambda;
  const std::vector<Program> programs = {
      {{Type::List},
       {st(F::Filter, L::Even, 0), st(F::Map, L::Div2, 1), st(F::Sort, L::None, 2),
        st(F::Tail, L::None, 3)}},
      {{Type::Int, Type::List},
       {st(F::Sort, L::None, 1), st(F::Reverse, L::None, 2), st(F::Take, L::None, 0, 3),
        st(F::Scan1l, L::Max, 4), st(F::Sum, L::None, 5)}},
      {{Type::List, Type::List},
       {st(F::ZipWith, L::Sub, 0, 1), st(F::Map, L::Times3, 2), st(F::Filter, L::Positive, 3),
        st(F::Count, L::Odd, 4)}},
  };
  std::mt19937_64 rng(2);
  std::vector<std::vector<Value>> inputs;  // per program, per example
  for (const Program& p : programs)
    for (int e = 0; e < kExamples; ++e) {
      std::vector<Value> in;
      for (Type t : p.inputs)
        in.push_back(t == Type::Int ? Value::integer(std::uniform_int_distribution<int>(0, 8)(rng))
                                    : random_list(rng));
      inputs.push_back(in);
    }
  std::int64_t runs = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < programs.size(); ++i)
      for (int e = 0; e < kExamples; ++e) {
        RunResult r = run(programs[i], inputs[i * kExamples + e]);
        benchmark::DoNotOptimize(r);
        ++runs;
      }
  }
  state.SetItemsProcessed(runs);
  state.counters["runs_per_s"] = benchmark::Counter(double(runs), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RunProgram);

}  // namespace
}  // namespace npeps

BENCHMARK_MAIN();
