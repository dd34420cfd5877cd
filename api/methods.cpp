#include <dlfcn.h>
#include <sched.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "api/npeps_solver.h"
#include "api/solver.h"
#include "search/beam_search.h"
#include "search/enumerator.h"
#include "search/exhaustive_phase.h"
#ifdef NPEPS_WITH_TORCH
#include "models/checkpoint.h"
#include "models/pccoder_policy.h"
#endif

namespace npeps {
namespace {

class EnumSolver final : public Solver {
 public:
  SearchResult solve(const std::vector<Example>& examples, const SearchLimits& limits) override {
    return enumerate(examples, EnumeratorOptions{}, limits);
  }
};

// A guided method sharing its budget with the enumerator (search/exhaustive_phase.h).
class WithExhaustivePhase final : public Solver {
 public:
  explicit WithExhaustivePhase(std::unique_ptr<Solver> guided,
                               const ExhaustivePhaseOptions& options = {})
      : guided_(std::move(guided)), options_(options) {}
  SearchResult solve(const std::vector<Example>& examples, const SearchLimits& limits) override {
    ExhaustivePhaseOptions o = options_;
    o.focus_operators = [&] { return guided_->focus_operators(examples); };
    return exhaustive_then(examples, limits, o, [&](const SearchLimits& rest) {
      return guided_->solve(examples, rest);
    });
  }

 private:
  std::unique_ptr<Solver> guided_;
  ExhaustivePhaseOptions options_;
};

// Each guided method under its name, with the exhaustive phase, and as
// published under name + "-paper" (the guided search alone).
[[maybe_unused]] void add_guided(std::vector<MethodInfo>& m, MethodInfo paper) {
  MethodInfo ours = paper;
  ours.description = paper.description + " (budget shared with the enumerator)";
  ours.make = [make = paper.make](const SolverConfig& c) -> std::unique_ptr<Solver> {
    return std::make_unique<WithExhaustivePhase>(make(c));
  };
  paper.name += "-paper";
  paper.description += ", as published";
  m.push_back(std::move(ours));
  m.push_back(std::move(paper));
}

#if defined(NPEPS_WITH_TORCH)
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

std::unique_ptr<Solver> make_pccoder(const SolverConfig& c) {
  try {
    return std::make_unique<PCCoderSolver>(c);
  } catch (const CheckpointError& e) {
    throw std::runtime_error(e.what());
  }
}
std::unique_ptr<Solver> make_npeps(const SolverConfig& c) {
  return make_npeps_solver(c, NPEPSVariant::CrossAggregator);
}
std::unique_ptr<Solver> make_npeps_u(const SolverConfig& c) {
  return make_npeps_solver(c, NPEPSVariant::CrossAggregatorU);
}
std::unique_ptr<Solver> make_sum_peps(const SolverConfig& c) {
  return make_npeps_solver(c, NPEPSVariant::Sum);
}
std::unique_ptr<Solver> make_mean_peps(const SolverConfig& c) {
  return make_npeps_solver(c, NPEPSVariant::Mean);
}
// The default (README "The portfolio"): the exhaustive phase around a guided
// step that gives its first third to PCCoder's search (the global policy
// alone), the rest to Mean-PEPS (the PE phase, then the mixed search); the
// guided step is 30% of the budget instead of 20%, so Mean-PEPS keeps its
// 20%.
std::unique_ptr<Solver> make_portfolio(const SolverConfig& c) {
  ExhaustivePhaseOptions o;
  o.guided_share = 0.3;
  return std::make_unique<WithExhaustivePhase>(make_npeps_solver(c, NPEPSVariant::Mean, 1.0 / 3),
                                               o);
}
#elif defined(NPEPS_NEURAL_BY_HANDOFF)
// The light build (the CLI without LibTorch) lists the neural methods, and
// making one hands the process over to the full build.
NeuralHandoff handoff = nullptr;

std::unique_ptr<Solver> hand_off(const SolverConfig&) {
  if (handoff) handoff();  // replaces the process; returns only when it could not
  throw std::runtime_error("this npeps was built without LibTorch (only enum)");
}
constexpr auto make_pccoder = hand_off, make_npeps = hand_off, make_npeps_u = hand_off,
               make_sum_peps = hand_off, make_mean_peps = hand_off, make_portfolio = hand_off;
#endif

std::vector<MethodInfo> build() {
  std::vector<MethodInfo> m;
  m.push_back({"enum", "model-free enumeration with type, usage and equivalence pruning",
               [](const SolverConfig&) { return std::make_unique<EnumSolver>(); }});
#if defined(NPEPS_WITH_TORCH) || defined(NPEPS_NEURAL_BY_HANDOFF)
  m.push_back({"portfolio",
               "the default: enumeration, PCCoder's search, then Mean-PEPS's, then enumeration "
               "over the PE solutions' operators and over all",
               make_portfolio});
  add_guided(m, {"pccoder", "PCCoder: complete anytime beam search guided by the global model",
                 make_pccoder});
  add_guided(m,
             {"npeps", "N-PEPS: PE searches, then CAB guided by the cross aggregator", make_npeps});
  add_guided(m, {"npeps+U", "N-PEPS+U: as npeps, attention also weighted by PE solution scores",
                 make_npeps_u});
  add_guided(m, {"sum-peps", "Sum-PEPS: PE searches, then CAB guided by summed PE statements",
                 make_sum_peps});
  add_guided(m, {"mean-peps", "Mean-PEPS: PE searches, then CAB guided by averaged PE statements",
                 make_mean_peps});
#endif
  return m;
}

}  // namespace

void set_neural_handoff([[maybe_unused]] NeuralHandoff fn) {
#ifdef NPEPS_NEURAL_BY_HANDOFF
  handoff = fn;
#endif
}

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
  // The file that holds this code: libnpeps.so, or an executable linked
  // with the static libraries (dladdr names the main program by argv[0],
  // so that one is read from /proc/self/exe).
  static const char anchor = 0;
  Dl_info info{};
  std::string file;
  if (dladdr(&anchor, &info) != 0 && info.dli_fname != nullptr &&
      std::filesystem::path(info.dli_fname).filename().string().find(".so") != std::string::npos)
    file = info.dli_fname;
  else
    file = "/proc/self/exe";
  std::error_code ec;
  std::filesystem::path path = std::filesystem::canonical(file, ec);
  if (ec) path = file;
  return (path.parent_path().parent_path() / "share" / "npeps" / "models").string();
}

}  // namespace npeps
