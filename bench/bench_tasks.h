// The task list of a benchmark run: from JSON Lines files or a built-in
// suite generated reproducibly from the seed, with the holdout examples
// split off.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench/bench_options.h"
#include "datasets/task.h"

namespace npeps {

struct BenchTask {
  std::size_t index = 0;         // position in the full (unsharded) list
  std::string id;                // unique within the list
  std::optional<int> ref_len;    // statements of the reference program, when known
  std::vector<Example> visible;  // given to the solver
  std::vector<Example> hidden;   // the last opts.holdout examples, checked afterwards
};

struct BenchTaskSet {
  std::vector<BenchTask> tasks;       // every task, all shards, in order
  std::string source;                 // for the report, e.g. "suite e1 (100 per length, seed 1)"
  std::string fingerprint;            // 16 hex digits over the tasks' JSON: detects changed inputs
  std::vector<std::string> warnings;  // invalid dataset lines that were skipped
};

// Program lengths of a built-in suite ("e1", "e2", "signature"); throws
// BenchError for an unknown name.
std::vector<int> suite_lengths(const std::string& suite);

// Generates a built-in suite: opts.suite_size tasks per length (the
// signature suite: 10 per length, its own fixed seed) with 5 + holdout
// examples each, avoiding the programs of opts.exclude_file.
std::vector<Task> build_suite(const BenchOptions& opts);

// The run's tasks (files or suite) with holdout applied. Task ids that
// collide across files get "<file name>:" prefixed. Throws BenchError when
// nothing is usable, ids still collide, or a task has too few examples
// for the holdout.
BenchTaskSet load_bench_tasks(const BenchOptions& opts);

// Splits tasks into BenchTasks (exposed for tests). Throws BenchError.
std::vector<BenchTask> split_holdout(const std::vector<Task>& tasks, int holdout);

// FNV-1a 64 over the tasks' JSON text, as 16 hex digits.
std::string tasks_fingerprint(const std::vector<Task>& tasks);

}  // namespace npeps
