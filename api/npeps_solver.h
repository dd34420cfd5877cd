// N-PEPS (Shrivastava et al., NeurIPS 2021) as Solvers: a per-example (PE)
// phase (one CAB search per example with the PE model, in parallel), then,
// unless a PE solution already satisfies every example, a CAB search of the
// whole task guided by the global model mixed with an aggregate of the PE
// solutions (models/aggregator_policy.h).
#pragma once

#include <memory>

#include "api/solver.h"

namespace npeps {

inline constexpr const char* kAggregatorModelFile = "aggregator.ckpt";  // N-PEPS
inline constexpr const char* kAggregatorUModelFile =
    "aggregator_u.ckpt";  // N-PEPS+U (trained with scores)

enum class NPEPSVariant {
  CrossAggregator,   // "npeps": cross attention (model_dir/aggregator.ckpt)
  CrossAggregatorU,  // "npeps+U": cross attention with solution scores
                     // (model_dir/aggregator_u.ckpt)
  Sum,               // "sum-peps": summed one-hot PE statements at each depth
  Mean,              // "mean-peps": averaged one-hot PE statements at each depth
};

struct NPEPSOptions {
  double pe_budget_s = 0.8;  // wall budget of each example's PE search (N-PEPS: 0.8 s)
  // The PE phase takes at most this share of the time left in the task
  // budget (per-example budgets are cut so that ceil(examples / threads)
  // rounds fit), leaving the rest to the global search. In (0, 1].
  double max_pe_fraction = 0.8;
  int max_pe_solutions = 5;  // PE solutions handed to the aggregator
  double alpha = 0.8;        // p = alpha * p_aggregate + (1 - alpha) * p_global (N-PEPS: 0.8)
};

// Loads the models from cfg.model_dir once: pccoder.ckpt (global), pe.ckpt
// (PE; one copy per thread) and, for the cross-attention variants, the
// aggregator. Throws std::runtime_error when a model is missing or bad, or
// when this build has no torch.
std::unique_ptr<Solver> make_npeps_solver(const SolverConfig& cfg, NPEPSVariant variant,
                                          const NPEPSOptions& options = {});

}  // namespace npeps
