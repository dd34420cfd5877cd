// Beam search throughput with the model cost excluded: UniformPolicy on
// fixed 5-example tasks whose output no program reaches (a 20-element list
// from inputs of at most 10 elements), so every run does the same full
// work: max_depth steps of one beam. Reports nodes (candidate statements
// executed) per second and a node-count signature that must not change
// between runs of the same build.
//
//   cmake --build build -j2 --target bench_beam && ./build/bench/bench_beam
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "search/beam_search.h"

namespace npeps {
namespace {

// 16 tasks with 1 to 3 inputs (a list first, then ints or lists), 5 examples.
std::vector<std::vector<Example>> tasks() {
  std::mt19937_64 rng(1);
  auto uniform = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto random_list = [&](int min_len) {
    std::vector<int> xs(uniform(min_len, 10));
    for (int& x : xs) x = uniform(-20, 20);
    return Value::list(xs);
  };
  const Value unreachable = Value::list(std::vector<int>(kMaxListLength, 255));
  std::vector<std::vector<Example>> out;
  for (int t = 0; t < 16; ++t) {
    const int num_inputs = 1 + t % 3;
    std::vector<bool> is_list(num_inputs, true);
    for (int i = 1; i < num_inputs; ++i) is_list[i] = uniform(0, 1) == 1;
    std::vector<Example> ex;
    for (int e = 0; e < 5; ++e) {
      Example x;
      for (int i = 0; i < num_inputs; ++i)
        x.inputs.push_back(is_list[i] ? random_list(1) : Value::integer(uniform(-5, 5)));
      x.output = unreachable;
      ex.push_back(std::move(x));
    }
    out.push_back(std::move(ex));
  }
  return out;
}

// Args: beam, width (0 = every well-typed statement), max_depth.
void BM_BeamUniform(benchmark::State& state) {
  const auto all = tasks();
  BeamSearchOptions o;
  o.initial_beam = o.max_beam = static_cast<int>(state.range(0));
  o.initial_width = static_cast<int>(state.range(1));
  o.max_depth = static_cast<int>(state.range(2));
  UniformPolicy policy;
  std::uint64_t nodes = 0, checks = 0, states = 0, signature = 0;
  for (auto _ : state) {
    signature = 0;
    for (const auto& ex : all) {
      const SearchResult r = beam_search(ex, policy, o, SearchLimits{});
      if (r.solved()) state.SkipWithError("an unreachable output was reached");
      nodes += r.stats.nodes;
      checks += r.stats.checks;
      states += r.stats.model_states;
      signature += r.stats.nodes;
    }
  }
  state.counters["nodes/s"] =
      benchmark::Counter(static_cast<double>(nodes), benchmark::Counter::kIsRate);
  state.counters["checks/s"] =
      benchmark::Counter(static_cast<double>(checks), benchmark::Counter::kIsRate);
  state.counters["states/s"] =
      benchmark::Counter(static_cast<double>(states), benchmark::Counter::kIsRate);
  state.counters["signature"] = static_cast<double>(signature);  // nodes per pass over the tasks
}

BENCHMARK(BM_BeamUniform)
    ->Args({100, 10, 8})   // PCCoder's first CAB iteration at length 8
    ->Args({100, 0, 8})    // every well-typed statement per entry
    ->Args({100, 10, 12})  // longer programs: slots get reused
    ->Args({1600, 50, 8})  // a later CAB iteration
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace npeps

BENCHMARK_MAIN();
