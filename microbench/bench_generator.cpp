// Dataset generator throughput: deduplicated programs with 5 examples per
// second, for lengths 4 and 8, on one thread and on all cores.
//   build-*/bench/bench_generator --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <ctime>
#include <thread>

#include "datasets/generator.h"

namespace {

void BM_Generate(benchmark::State& state) {
  npeps::GeneratorOptions o;
  o.lengths = {static_cast<int>(state.range(0))};
  o.programs_per_length = 1000;
  o.threads = static_cast<int>(state.range(1));
  std::size_t programs = 0, candidates = 0;
  double acceptance = 0;
  const std::clock_t cpu0 = std::clock();  // process CPU time, all threads
  for (auto _ : state) {
    npeps::GeneratorStats stats;
    o.seed += 1;
    programs += npeps::generate(o, &stats).size();
    candidates += stats.lengths[0].candidates;
    acceptance = stats.lengths[0].example_acceptance();
  }
  const double cpu_s = double(std::clock() - cpu0) / CLOCKS_PER_SEC;
  const int threads =
      o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency());
  state.SetItemsProcessed(static_cast<std::int64_t>(programs));
  state.counters["programs/s"] = benchmark::Counter(double(programs), benchmark::Counter::kIsRate);
  state.counters["programs/s/core"] =
      benchmark::Counter(double(programs) / threads, benchmark::Counter::kIsRate);
  // Throughput per CPU-second of the whole process: robust to a shared machine.
  state.counters["programs/cpu_s"] = double(programs) / cpu_s;
  state.counters["kept/candidate"] = double(programs) / double(candidates);
  state.counters["example_acceptance"] = acceptance;
}

// Arguments: length, threads (0 = all cores). Wall time, since TBB workers run the work.
BENCHMARK(BM_Generate)
    ->Args({4, 1})
    ->Args({8, 1})
    ->Args({4, 0})
    ->Args({8, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
