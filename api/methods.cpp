#include <sched.h>

#include <algorithm>
#include <cstdlib>

#include "api/npeps_solver.h"
#include "api/solver.h"
#include "search/beam_search.h"
#include "search/enumerator.h"
#ifdef NPEPS_WITH_TORCH
#include "models/checkpoint.h"
#include "models/neural_policy.h"
#endif

namespace npeps {
namespace {

class EnumSolver final : public Solver {
 public:
  SearchResult solve(const std::vector<Example>& examples, const SearchLimits& limits) override {
    return enumerate(examples, EnumeratorOptions{}, limits);
  }
};

#ifdef NPEPS_WITH_TORCH
// PCCoder: CAB guided by the global model (model_dir/pccoder.ckpt).
class PCCoderSolver final : public Solver {
 public:
  explicit PCCoderSolver(const SolverConfig& cfg)
      : policy_(load_policy(cfg.model_dir + "/" + kPCCoderModelFile, cfg.threads)) {}
  SearchResult solve(const std::vector<Example>& examples, const SearchLimits& limits) override {
    return beam_search(examples, *policy_, BeamSearchOptions{}, limits);
  }

 private:
  std::unique_ptr<Policy> policy_;
};
#endif

std::vector<MethodInfo> build() {
  std::vector<MethodInfo> m;
  m.push_back({"enum", "model-free enumeration with type, usage and equivalence pruning",
               [](const SolverConfig&) { return std::make_unique<EnumSolver>(); }});
#ifdef NPEPS_WITH_TORCH
  m.push_back({"pccoder", "PCCoder: complete anytime beam search guided by the global model",
               [](const SolverConfig& c) -> std::unique_ptr<Solver> {
                 try {
                   return std::make_unique<PCCoderSolver>(c);
                 } catch (const CheckpointError& e) {
                   throw std::runtime_error(e.what());
                 }
               }});
  m.push_back({"npeps", "N-PEPS: PE searches, then CAB guided by the cross aggregator",
               [](const SolverConfig& c) {
                 return make_npeps_solver(c, NPEPSVariant::CrossAggregator);
               }});
  m.push_back({"npeps+U", "N-PEPS+U: as npeps, attention also weighted by PE solution scores",
               [](const SolverConfig& c) {
                 return make_npeps_solver(c, NPEPSVariant::CrossAggregatorU);
               }});
  m.push_back({"sum-peps", "Sum-PEPS: PE searches, then CAB guided by summed PE statements",
               [](const SolverConfig& c) { return make_npeps_solver(c, NPEPSVariant::Sum); }});
  m.push_back({"mean-peps", "Mean-PEPS: PE searches, then CAB guided by averaged PE statements",
               [](const SolverConfig& c) { return make_npeps_solver(c, NPEPSVariant::Mean); }});
#endif
  return m;
}

}  // namespace

const std::vector<MethodInfo>& methods() {
  static const std::vector<MethodInfo> m = build();
  return m;
}

const MethodInfo* find_method(std::string_view name) {
  for (const MethodInfo& m : methods())
    if (m.name == name) return &m;
  return nullptr;
}

int usable_threads(int requested) {
  cpu_set_t set;
  CPU_ZERO(&set);
  const int cpus = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 0;
  return cpus > 0 ? std::min(requested, cpus) : requested;
}

std::string default_model_dir() {
  if (const char* env = std::getenv("NPEPS_MODEL_DIR"); env && *env) return env;
  return NPEPS_DEFAULT_MODEL_DIR;
}

}  // namespace npeps
