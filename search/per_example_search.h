// The per-example (PE) search phase of N-PEPS: one CAB search per example,
// on that example alone, guided by a PE policy. Each program found is run
// on every example of the task; the best are kept for the Cross Aggregator,
// and one satisfying every example solves the task outright.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

#include "dsl/program.h"
#include "search/beam_search.h"
#include "search/policy.h"
#include "search/search_result.h"

namespace npeps {

struct PESolution {
  int example = 0;              // index of the example it was found for
  Program program;              // satisfies that example
  std::vector<bool> satisfied;  // per example of the task: does the program map input to output
  double score = 0;             // fraction of the task's examples satisfied
};

struct PerExampleOptions {
  // Wall budget of each example's search, seconds, counted from when that
  // search starts (N-PEPS: 0.8 of a 5 s task budget). > 0.
  double budget_s = 0.8;
  // Node budget of each example's search (SearchStats::nodes); 0 = none.
  // Deterministic data generation uses this instead of time.
  std::uint64_t max_nodes = 0;
  // PE searches run in parallel on this many threads (a TBB arena; TBB's
  // process-wide worker limit, by default the core count, may allow fewer). >= 1.
  int threads = 1;
  // PE solutions kept, best score first, ties by example index. >= 0.
  int max_solutions = 5;
  // Stop the phase once the union of satisfied examples covers every example
  // (N-PEPS does; a PE solution that satisfies every example always stops it).
  bool stop_when_covered = true;
  // How the phase stops early (a full solution, or coverage):
  // true: exactly where a sequential run in example order would stop, as
  //   N-PEPS's loop does. Searches past that point are cancelled the moment
  //   the point is known; searches before it run to their own end. With a
  //   node budget the result is then independent of thread count and timing.
  // false: cancel every other search as soon as any finished set stops the
  //   phase. Returns sooner with threads > 1, but which solutions come back
  //   then depends on timing.
  bool deterministic_stop = true;
  // CAB options of each PE search.
  BeamSearchOptions beam;
};

struct PerExampleResult {
  // Kept PE solutions, sorted by score desc then example, identical programs
  // once (the lowest example's), at most max_solutions.
  std::vector<PESolution> solutions;
  // A PE solution that satisfies every example (the phase's stop point's,
  // or with deterministic_stop false the lowest example's); the caller
  // returns it at once.
  std::optional<Program> full_solution;
  // Summed over the PE searches whose results were used (those up to the
  // stop point with deterministic_stop; every one that ran otherwise):
  // nodes, model calls, states. time_s = wall time of the whole phase.
  SearchStats stats;
  // Each example's search as it ran, indexed by example; all zero for one
  // that never started (stopped, cancelled or past the deadline). Searches
  // cancelled past the stop point are included here, so with threads > 1
  // these entries can vary from run to run.
  std::vector<SearchStats> per_example;
};

// Malformed examples, options or policies: no examples, more than
// kMaxExamples, examples whose input counts or types differ, threads < 1,
// budget_s <= 0 (or NaN), max_solutions < 0, fewer policies than threads or
// a null one among the first `threads`.
struct PerExampleSearchError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// The program's results on every example: satisfied[j] when it runs without
// failing on example j's inputs (of the right types) and yields its output;
// score = satisfied count / examples. Thread-safe.
PESolution score_solution(const Program& program, int example,
                          const std::vector<Example>& examples);

// Runs one CAB search per example (on that example alone) with a PE policy,
// in parallel, starting them in example order.
//
// `policies` holds one Policy per worker thread (policies.size() >=
// opts.threads); worker w uses policies[w] exclusively, so a policy is
// never called by two searches at once.
// Time: each search gets min(opts.budget_s, time left before
// limits.deadline) from its start; a search not started by the deadline is
// skipped, so the phase ends by limits.deadline plus CAB's overshoot (one
// policy call). A search that finds its solution early leaves its remaining
// time unused (the caller gives the rest of the task budget to the global
// search). Nodes: each search stops after min(opts.max_nodes (if set),
// limits.max_nodes) nodes.
// Cancel: limits.cancel is watched every millisecond by a helper thread
// (only when set) and stops every search; a phase cancelled before a search
// starts skips it.
// Early stop: see PerExampleOptions::deterministic_stop.
// Deterministic for a fixed node budget regardless of thread count (with
// deterministic_stop, or when the phase does not stop early), deadline and
// cancel aside.
// Throws PerExampleSearchError on malformed input, BeamSearchError on
// malformed beam options or examples, and whatever a policy throws (the
// other searches are cancelled first).
PerExampleResult per_example_search(const std::vector<Example>& examples,
                                    std::span<Policy* const> policies,
                                    const PerExampleOptions& opts, const SearchLimits& limits);

}  // namespace npeps
