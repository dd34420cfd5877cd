// Runs a benchmark: every selected method on every task of the shard under
// the same per-task budget, one results.jsonl row per task and method,
// appended and flushed as it is made so a killed run resumes where it
// stopped. The harness's entry points for the CLI.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bench/bench_options.h"
#include "bench/bench_row.h"
#include "bench/bench_tasks.h"
#include "npeps/synthesizer.h"

namespace npeps {

struct BenchProgress {
  std::size_t done = 0;    // rows finished, resumed ones included
  std::size_t total = 0;   // rows this run will have when complete
  std::size_t solved = 0;  // of the done rows
};
// Called on the calling thread after each row (and once before the first).
using BenchProgressFn = std::function<void(const BenchProgress&)>;

struct BenchRunInfo {
  std::size_t tasks = 0;         // tasks in this shard
  std::size_t rows_run = 0;      // rows solved by this call
  std::size_t rows_resumed = 0;  // rows found in results.jsonl and skipped
  std::size_t bad_lines = 0;     // unreadable lines dropped from results.jsonl (a kill mid-write)
  std::vector<std::string> warnings;  // invalid dataset lines skipped
};

// Runs or resumes the benchmark into out_dir (created if needed), then
// writes the report (see harness/report.h). Solvers are made once per
// method. Throws BenchError on bad options, a config.json that differs,
// or a method that cannot be made. One run per directory at a time.
BenchRunInfo run_bench(const BenchOptions& opts, const std::string& out_dir,
                       const BenchProgressFn& progress = {});

// The facade's settings for one method of a run: the run's budget
// (timeout_s 0 = no time limit), threads, models and N-PEPS settings.
SynthesizerOptions synthesizer_options(const BenchOptions& opts, const std::string& method);

// A task's visible examples as the facade takes them.
TaskSpec to_task_spec(const std::string& id, const std::vector<Example>& examples);

// Solves one task: the runner passes a Synthesizer's synthesize() (made
// with synthesizer_options), tests a stand-in.
using SolveFn = std::function<SynthesisResult(const TaskSpec&)>;

// Solves one task (its visible examples) and re-checks the returned
// program: one that fails the visible examples is counted unsolved and
// flagged; a solved one is also checked on the hidden examples when
// the task has any (BenchTask::hidden). An exception becomes an unsolved
// row with `error`.
BenchRow solve_task(const SolveFn& solve, const std::string& method, const BenchTask& task);

struct SignatureLine {
  std::string method;
  std::uint64_t nodes = 0;  // total over the signature suite
  std::size_t solved = 0;
  std::size_t tasks = 0;
};

// The bench signature: the built-in "signature" suite under a node budget
// only (opts.max_nodes, default kSignatureNodes), nothing written.
// Deterministic for deterministic methods, whatever the machine's speed.
inline constexpr std::uint64_t kSignatureNodes = 200000;
std::vector<SignatureLine> run_signature(const BenchOptions& opts);

}  // namespace npeps
