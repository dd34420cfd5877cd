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

// Loads the models from cfg.model_dir once: pccoder.ckpt (global), pe.ckpt
// (PE; one copy per thread) and, for the cross-attention variants, the
// aggregator. Throws std::runtime_error when a model is missing or bad, or
// when this build has no torch.
// The settings are cfg.npeps. With global_first_share > 0 (in [0, 1)),
// each solve() under a deadline first gives that share of its time to a CAB
// search guided by the global model alone, before the PE phase (the
// `portfolio` method, api/methods.cpp); the PE phase and the mixed search
// share the rest as usual.
std::unique_ptr<Solver> make_npeps_solver(const SolverConfig& cfg, NPEPSVariant variant,
                                          double global_first_share = 0);

}  // namespace npeps
