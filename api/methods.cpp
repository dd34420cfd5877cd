#include <dlfcn.h>
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>

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
// The default's guided step (README "The portfolio"): its first third is
// PCCoder's search (the global policy alone), the rest Mean-PEPS's (the PE
// phase, then the mixed search).
std::unique_ptr<Solver> make_portfolio_step(const SolverConfig& c) {
  return make_npeps_solver(c, NPEPSVariant::Mean, 1.0 / 3);
}

// A guided method inside the exhaustive phase (its model files matter
// only to the light build's with_phase).
std::function<std::unique_ptr<Solver>(const SolverConfig&)> with_phase(
    std::function<std::unique_ptr<Solver>(const SolverConfig&)> make,
    const ExhaustivePhaseOptions& o, const std::vector<const char*>&) {
  return [make = std::move(make), o](const SolverConfig& c) -> std::unique_ptr<Solver> {
    return std::make_unique<WithExhaustivePhase>(make(c), o);
  };
}
#elif defined(NPEPS_NEURAL_BY_HANDOFF)
// The light build (the CLI without LibTorch) lists the neural methods, and
// making one hands the process over to the full build; a method with the
// exhaustive phase may defer that to its guided step
// (defer_neural_handoff).
NeuralHandoff handoff = nullptr;
double defer_min_s = -1;  // defer_neural_handoff(); < 0: hand over when the method is made

[[noreturn]] void hand_off_now() {
  if (handoff) handoff();  // replaces the process; returns only when it could not
  throw std::runtime_error("this npeps was built without LibTorch (only enum)");
}
std::unique_ptr<Solver> hand_off(const SolverConfig&) { hand_off_now(); }
constexpr auto make_pccoder = hand_off, make_npeps = hand_off, make_npeps_u = hand_off,
               make_sum_peps = hand_off, make_mean_peps = hand_off, make_portfolio_step = hand_off;

// The start of the exhaustive phase, run here without the models. When
// less than defer_min_s seconds would be left after its first step
// (cheap_share of the budget), loading LibTorch would leave the guided
// step too little: the enumerator searches alone to the deadline.
// Otherwise the enumerator searches for that share, to its very end
// (inside a length too: what it finds by then is answered without
// LibTorch), and the process is handed over; the full build runs the
// method from the start. An enumerator done before the end of its share
// has ruled out every program the method could find: no hand-over. No
// deadline: handed over at once.
class PhaseBeforeHandoff final : public Solver {
 public:
  explicit PhaseBeforeHandoff(const ExhaustivePhaseOptions& o) : options_(o) {}
  SearchResult solve(const std::vector<Example>& examples, const SearchLimits& limits) override {
    if (limits.deadline == Clock::time_point::max()) hand_off_now();
    const Clock::time_point now = Clock::now();
    const double budget_s = std::chrono::duration<double>(limits.deadline - now).count();
    EnumeratorOptions eo;
    eo.max_length = options_.max_length;
    if (budget_s * (1 - options_.cheap_share) < defer_min_s) return enumerate(examples, eo, limits);
    SearchLimits first = limits;
    first.deadline = now + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(options_.cheap_share * budget_s));
    SearchResult r = enumerate(examples, eo, first);
    // Done before its deadline: solved, cancelled, or every program up to
    // max_length ruled out (the guided search goes no deeper) or the node
    // budget spent. Nothing is left for the full build either.
    if (r.solved() || Clock::now() < first.deadline || (limits.cancel && limits.cancel->load()))
      return r;
    hand_off_now();
  }

 private:
  ExhaustivePhaseOptions options_;
};

std::function<std::unique_ptr<Solver>(const SolverConfig&)> with_phase(
    std::function<std::unique_ptr<Solver>(const SolverConfig&)>, const ExhaustivePhaseOptions& o,
    const std::vector<const char*>& files) {
  return [o, files](const SolverConfig& c) -> std::unique_ptr<Solver> {
    // A model file the method needs is missing: the full build names it
    // now, whatever the task.
    const bool models = std::all_of(files.begin(), files.end(), [&](const char* f) {
      std::error_code ec;
      return std::filesystem::exists(c.model_dir + "/" + f, ec);
    });
    if (defer_min_s < 0 || !models) hand_off_now();
    return std::make_unique<PhaseBeforeHandoff>(o);
  };
}
#endif

#if defined(NPEPS_WITH_TORCH) || defined(NPEPS_NEURAL_BY_HANDOFF)
// The default's phase: a guided step of 30% of the budget instead of 20%,
// so that Mean-PEPS keeps its 20%.
ExhaustivePhaseOptions portfolio_phase_options() {
  ExhaustivePhaseOptions o;
  o.guided_share = 0.3;
  return o;
}

// Each guided method under its name, with the exhaustive phase, and as
// published under name + "-paper" (the guided search alone).
// `files`: the model files it loads.
void add_guided(std::vector<MethodInfo>& m, MethodInfo paper,
                const std::vector<const char*>& files) {
  MethodInfo ours = paper;
  ours.description = paper.description + " (budget shared with the enumerator)";
  ours.make = with_phase(paper.make, ExhaustivePhaseOptions{}, files);
  paper.name += "-paper";
  paper.description += ", as published";
  m.push_back(std::move(ours));
  m.push_back(std::move(paper));
}
#endif

std::vector<MethodInfo> build() {
  [[maybe_unused]] constexpr const char *kPCCoder = kPCCoderModelFile, *kPE = kPEModelFile;
  std::vector<MethodInfo> m;
  m.push_back({"enum", "model-free enumeration with type, usage and equivalence pruning",
               [](const SolverConfig&) { return std::make_unique<EnumSolver>(); }});
#if defined(NPEPS_WITH_TORCH) || defined(NPEPS_NEURAL_BY_HANDOFF)
  m.push_back({"portfolio",
               "the default: enumeration, PCCoder's search, then Mean-PEPS's, then enumeration "
               "over the PE solutions' operators and over all",
               with_phase(make_portfolio_step, portfolio_phase_options(), {kPCCoder, kPE})});
  add_guided(
      m,
      {"pccoder", "PCCoder: complete anytime beam search guided by the global model", make_pccoder},
      {kPCCoder});
  add_guided(m,
             {"npeps", "N-PEPS: PE searches, then CAB guided by the cross aggregator", make_npeps},
             {kPCCoder, kPE, kAggregatorModelFile});
  add_guided(m,
             {"npeps+U", "N-PEPS+U: as npeps, attention also weighted by PE solution scores",
              make_npeps_u},
             {kPCCoder, kPE, kAggregatorUModelFile});
  add_guided(
      m,
      {"sum-peps", "Sum-PEPS: PE searches, then CAB guided by summed PE statements", make_sum_peps},
      {kPCCoder, kPE});
  add_guided(m,
             {"mean-peps", "Mean-PEPS: PE searches, then CAB guided by averaged PE statements",
              make_mean_peps},
             {kPCCoder, kPE});
#endif
  return m;
}

}  // namespace

void set_neural_handoff([[maybe_unused]] NeuralHandoff fn) {
#ifdef NPEPS_NEURAL_BY_HANDOFF
  handoff = fn;
#endif
}

void defer_neural_handoff([[maybe_unused]] double min_budget_s) {
#ifdef NPEPS_NEURAL_BY_HANDOFF
  defer_min_s = min_budget_s;
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
