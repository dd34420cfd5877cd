// Enumerator throughput (nodes expanded per second, one thread) and the
// nodes needed to solve fixed 5-example tasks made from fixed length-3/4
// programs on seeded random inputs, and the nodes of one whole length with
// and without the canonical order of independent statements. `nodes` is a
// behaviour signature: it changes only when the search order or pruning
// changes.
//   ./bench_enumerator --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "dsl/ops.h"
#include "dsl/program.h"
#include "search/enumerator.h"

namespace npeps {
namespace {

constexpr int kExamples = 5;

Statement st(Function f, Lambda l, int a, int b = 0) {
  return Statement{*find_operator(f, l), {static_cast<VarIndex>(a), static_cast<VarIndex>(b)}};
}

struct BenchTask {
  const char* name;
  Program program;
};

std::vector<BenchTask> bench_programs() {
  using F = Function;
  using L = Lambda;
  const Type Li = Type::List, In = Type::Int;
  return {
      {"len3_filter_map_sum",
       {{Li}, {st(F::Filter, L::Odd, 0), st(F::Map, L::Square, 1), st(F::Sum, L::None, 2)}}},
      {"len3_sort_take_sum",
       {{In, Li}, {st(F::Sort, L::None, 1), st(F::Take, L::None, 0, 2), st(F::Sum, L::None, 3)}}},
      {"len4_map_scan_filter_max",
       {{Li},
        {st(F::Map, L::Times3, 0), st(F::Scan1l, L::Add, 1), st(F::Filter, L::Even, 2),
         st(F::Maximum, L::None, 3)}}},
      {"len4_zip_sort_drop_head",
       {{Li, Li, In},
        {st(F::ZipWith, L::Max, 0, 1), st(F::Sort, L::None, 3), st(F::Drop, L::None, 2, 4),
         st(F::Head, L::None, 5)}}},
  };
}

// Seeded random inputs on which the program runs and gives non-NULL output.
std::vector<Example> make_examples(const Program& p, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::vector<Example> ex;
  while (static_cast<int>(ex.size()) < kExamples) {
    Example x;
    for (Type t : p.inputs) {
      if (t == Type::Int) {
        x.inputs.push_back(Value::integer(uni(0, 6)));
      } else {
        std::vector<int> xs(uni(4, 12));
        for (int& v : xs) v = uni(-12, 12);
        x.inputs.push_back(Value::list(xs));
      }
    }
    const RunResult r = run(p, x.inputs);
    if (r.status != EvalStatus::Ok || r.output.is_null()) continue;
    x.output = r.output;
    ex.push_back(std::move(x));
  }
  return ex;
}

// The program's examples with their outputs rotated between examples:
// no program of the target's length gives them.
std::vector<Example> unsolvable_examples(const Program& p) {
  std::vector<Example> ex = make_examples(p, 11);
  const Value first = ex[0].output;
  for (int e = 0; e + 1 < kExamples; ++e) ex[e].output = ex[e + 1].output;
  ex.back().output = first;
  return ex;
}

// Nodes per second: searches each task's unsolvable examples with a node
// budget (arg 0), so the whole budget is spent.
void BM_EnumeratorThroughput(benchmark::State& state, int task) {
  const BenchTask t = bench_programs()[task];
  const std::vector<Example> ex = unsolvable_examples(t.program);
  SearchLimits limits;
  limits.max_nodes = static_cast<std::uint64_t>(state.range(0));
  EnumeratorOptions opts;
  opts.max_length = 8;  // deep enough that the budget, not the space, ends the search
  std::uint64_t nodes = 0;
  for (auto _ : state) {
    const SearchResult r = enumerate(ex, opts, limits);
    nodes += r.stats.nodes;
    benchmark::DoNotOptimize(r);
  }
  state.counters["nodes_per_s"] = benchmark::Counter(double(nodes), benchmark::Counter::kIsRate);
}

// One whole length (arg 0) of a task's unsolvable examples, with and
// without EnumeratorOptions::canonical_order: the nodes
// each needs, and the time.
void BM_EnumeratorLength(benchmark::State& state, int task, bool canonical) {
  const BenchTask t = bench_programs()[task];
  const std::vector<Example> ex = unsolvable_examples(t.program);
  EnumeratorOptions opts;
  opts.min_length = opts.max_length = static_cast<int>(state.range(0));
  opts.canonical_order = canonical;
  std::uint64_t nodes = 0, total = 0;
  for (auto _ : state) {
    const SearchResult r = enumerate(ex, opts, {});
    nodes = r.stats.nodes;
    total += nodes;
    benchmark::DoNotOptimize(r);
  }
  state.counters["nodes"] = double(nodes);
  state.counters["nodes_per_s"] = benchmark::Counter(double(total), benchmark::Counter::kIsRate);
}

// Nodes to solve: the real task (no budget). Reports nodes and the length found.
void BM_EnumeratorSolve(benchmark::State& state, int task) {
  const BenchTask t = bench_programs()[task];
  const std::vector<Example> ex = make_examples(t.program, 11);
  std::uint64_t nodes = 0, total = 0;
  double length = 0, solved = 0;
  for (auto _ : state) {
    const SearchResult r = enumerate(ex, {}, SearchLimits::with_timeout(60));
    nodes = r.stats.nodes;
    total += nodes;
    solved = r.solved();
    length = r.solved() ? double(r.program->statements.size()) : 0;
  }
  state.counters["nodes"] = double(nodes);
  state.counters["solved"] = solved;
  state.counters["length"] = length;
  state.counters["nodes_per_s"] = benchmark::Counter(double(total), benchmark::Counter::kIsRate);
}

void register_all() {
  const auto tasks = bench_programs();
  for (int i = 0; i < static_cast<int>(tasks.size()); ++i) {
    benchmark::RegisterBenchmark((std::string("Throughput/") + tasks[i].name).c_str(),
                                 BM_EnumeratorThroughput, i)
        ->Arg(2'000'000)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((std::string("Solve/") + tasks[i].name).c_str(),
                                 BM_EnumeratorSolve, i)
        ->Unit(benchmark::kMillisecond);
    for (const bool canonical : {true, false})
      benchmark::RegisterBenchmark(
          (std::string("Length/") + tasks[i].name + (canonical ? "/canonical" : "/every_order"))
              .c_str(),
          BM_EnumeratorLength, i, canonical)
          ->Arg(4)
          ->Arg(5)
          ->Iterations(1)
          ->Unit(benchmark::kMillisecond);
  }
}

}  // namespace
}  // namespace npeps

int main(int argc, char** argv) {
  npeps::register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
