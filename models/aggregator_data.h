// Training data for the cross aggregator (N-PEPS's gen_agg_instances.py):
// for each training task (examples + reference program), the PE searches
// are run with the PE model under a per-task budget drawn uniformly at
// random, and the task with the PE solutions found is stored as one JSON
// Lines "instance". Torch-free.
//
// Instance line (extends the task format of FORMATS.md):
//   {"id": ..., "examples": [...], "program": "<reference, compact>",
//    "pe_budget_s": 0.53 | "pe_max_nodes": 1234,
//    "pe_solutions": [{"example": 2, "program": "...", "satisfied": [true, ...],
//                      "score": 0.4}, ...],
//    "full": false}
// Every processed task gets a line (also with no PE solution), so that a
// restart skips exactly the tasks already done; the trainer keeps the
// instances with at least one PE solution and, by default, without a PE
// solution that satisfies every example ("full": at inference such a task
// is solved before the aggregator runs).
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "dsl/program.h"
#include "models/aggregator_keys.h"
#include "search/beam_search.h"

namespace npeps {

struct AggregatorDataError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct AggregatorDataOptions {
  std::string tasks_path;  // JSON Lines tasks with reference programs (e.g. data/e1_train.jsonl)
  std::string out_path;    // instances, JSON Lines; appended to (tasks already there are skipped)
  std::string pe_checkpoint;  // the PE model
  // Per-example PE budget in seconds, drawn per task uniformly in
  // [min_budget_s, max_budget_s] (N-PEPS: 0.1 to 1.0). Used when max_nodes == 0.
  double min_budget_s = 0.1;
  double max_budget_s = 1.0;
  // When max_nodes > 0: a per-example node budget drawn per task uniformly
  // in [min_nodes, max_nodes] instead of time, so the data does not depend
  // on the machine's speed or load.
  std::uint64_t min_nodes = 0;
  std::uint64_t max_nodes = 0;
  int threads = 1;            // tasks searched in parallel, one PE policy (1 torch thread) each
  int max_solutions = 5;      // PE solutions kept per task (PerExampleOptions::max_solutions)
  std::size_t max_tasks = 0;  // only the first N tasks of the file; 0 = all
  std::uint64_t seed = 1;     // budget draws (per task, independent of thread count)
  // Only the tasks whose index in the file is shard_index mod shard_count
  // (--shard I/N): the shards' instances together are the single run's
  // (each task's budget is drawn from its index), so shards made on many
  // machines are merged by concatenation, or given to train-aggregator as
  // several --data files.
  int shard_index = 0;
  int shard_count = 1;
  BeamSearchOptions beam;     // CAB options of the PE searches
  // Called after each task (from worker threads, serialised): tasks done
  // in this run, tasks to do in this run, instances with a PE solution so far.
  std::function<void(std::size_t done, std::size_t total, std::size_t instances)> progress;
};

struct AggregatorDataReport {
  std::size_t tasks_in_file = 0;   // valid tasks with a reference program considered
  std::size_t already_done = 0;    // skipped: their id was already in out_path
  std::size_t processed = 0;       // tasks searched in this run
  std::size_t with_solutions = 0;  // of those, with at least one PE solution
  std::size_t full = 0;            // of those, with a PE solution satisfying every example
  std::size_t invalid = 0;         // lines skipped: invalid, or no reference program
  double time_s = 0;
  double tasks_per_s = 0;      // processed / time_s
  double instances_per_s = 0;  // with_solutions / time_s
};

// Throws AggregatorDataError (bad files or options) or CheckpointError.
AggregatorDataReport generate_aggregator_data(const AggregatorDataOptions& options);

// One stored instance.
struct AggregatorInstance {
  std::string id;
  std::vector<Example> examples;
  Program program;                    // the reference (global) program
  std::vector<PEProgram> solutions;   // programs and scores (fraction of examples satisfied)
  std::vector<int> solution_example;  // example each solution was found for
  bool full = false;                  // a PE solution satisfies every example
};

// Reads instances; a bad line is skipped with its reason appended to
// `errors` (when given). Throws AggregatorDataError when the file cannot be read.
std::vector<AggregatorInstance> load_aggregator_instances(const std::string& path,
                                                          std::vector<std::string>* errors);

}  // namespace npeps
