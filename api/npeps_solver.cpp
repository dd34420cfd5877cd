#include "api/npeps_solver.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

#ifdef NPEPS_WITH_TORCH
#include "models/aggregator_policy.h"
#include "models/checkpoint.h"
#include "models/cross_aggregator.h"
#include "models/pccoder_policy.h"
#include "search/beam_search.h"
#include "search/exhaustive_phase.h"
#include "search/per_example_search.h"
#endif

namespace npeps {

#ifndef NPEPS_WITH_TORCH
std::unique_ptr<Solver> make_npeps_solver(const SolverConfig&, NPEPSVariant, double) {
  throw std::runtime_error("N-PEPS needs a build with torch (NPEPS_WITH_TORCH)");
}
#else
namespace {

bool same_examples(const std::vector<Example>& a, const std::vector<Example>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const Example& x, const Example& y) {
    return x.inputs == y.inputs && x.output == y.output;
  });
}

class NPEPSSolver final : public Solver {
 public:
  NPEPSSolver(const SolverConfig& cfg, NPEPSVariant variant, const NPEPSOptions& options,
              double global_first_share)
      : options_(options),
        threads_(std::max(cfg.threads, 1)),
        global_first_share_(global_first_share) {
    if (!(options.pe_budget_s > 0) ||
        !(options.max_pe_fraction > 0 && options.max_pe_fraction <= 1))
      throw std::runtime_error("N-PEPS options: PE budget must be > 0 and its share in (0, 1]");
    if (!(global_first_share >= 0 && global_first_share < 1))
      throw std::runtime_error("N-PEPS options: the global search's first share must be in [0, 1)");
    const std::string dir = cfg.model_dir + "/";
    // torch's threads, once for the process (models/pccoder_net.h): never
    // changed per call.
    set_torch_threads(threads_);
    try {
      global_ =
          std::make_unique<PCCoderNet>(std::move(load_checkpoint(dir + kPCCoderModelFile).net));
      for (int t = 0; t < threads_; ++t) {
        pe_policies_.push_back(load_policy(dir + kPEModelFile, 1));
        pe_ptrs_.push_back(pe_policies_.back().get());
      }
      AggregatorPolicyOptions po;
      po.alpha = options.alpha;
      PCCoderNet* key_net = nullptr;
      if (variant == NPEPSVariant::CrossAggregator || variant == NPEPSVariant::CrossAggregatorU) {
        const bool u = variant == NPEPSVariant::CrossAggregatorU;
        const std::string path = dir + (u ? kAggregatorUModelFile : kAggregatorModelFile);
        aggregator_ = std::make_unique<CrossAggregator>(std::move(load_aggregator(path).model));
        if (aggregator_->options().use_scores != u)
          throw std::runtime_error("aggregator '" + path + "' was trained " +
                                   (u ? "without" : "with") +
                                   " solution scores; this method needs one trained " +
                                   (u ? "with" : "without") + " them");
        if (aggregator_->options().key_encoder == KeyEncoder::PE) {
          key_net_ =
              std::make_unique<PCCoderNet>(std::move(load_checkpoint(dir + kPEModelFile).net));
          key_net = key_net_.get();
        } else {
          key_net = global_.get();
        }
        po.aggregation = Aggregation::CrossAttention;
      } else {
        po.aggregation = variant == NPEPSVariant::Sum ? Aggregation::Sum : Aggregation::Mean;
      }
      policy_ = std::make_unique<AggregatorPolicy>(*global_, aggregator_.get(), key_net, po);
    } catch (const CheckpointError& e) {
      throw std::runtime_error(e.what());
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(e.what());
    }
  }

  // The operators of the PE solutions of the last solve() on these
  // examples, the most used first: the enumerator's focus run.
  std::vector<OperatorId> focus_operators(const std::vector<Example>& examples) override {
    if (!same_examples(examples, pe_examples_)) return {};
    return operators_used(pe_programs_);
  }

  SearchResult solve(const std::vector<Example>& examples, const SearchLimits& limits) override {
    const auto start = Clock::now();
    SearchResult out;
    if (global_first_share_ > 0 && limits.deadline != Clock::time_point::max()) {
      // The global policy alone first (set_solutions with none: Sum and
      // Mean add nothing, the attention has no keys).
      SearchLimits first = limits;
      first.deadline = start + std::chrono::duration_cast<Clock::duration>(
                                   (limits.deadline - start) * global_first_share_);
      policy_->set_solutions(examples, {});
      out = beam_search(examples, *policy_, BeamSearchOptions{}, first);
      if (out.program) {
        out.stats.time_s = std::chrono::duration<double>(Clock::now() - start).count();
        return out;
      }
    }
    // PE phase, its per-example budget cut to fit the time left.
    PerExampleOptions pe;
    pe.threads = threads_;
    pe.max_solutions = options_.max_pe_solutions;
    pe.budget_s = options_.pe_budget_s;
    if (limits.deadline != Clock::time_point::max()) {
      const double left = std::chrono::duration<double>(limits.deadline - Clock::now()).count();
      const int rounds = (static_cast<int>(examples.size()) + threads_ - 1) / threads_;
      pe.budget_s = std::max(1e-3, std::min(pe.budget_s, options_.max_pe_fraction * left / rounds));
    } else if (limits.max_nodes != std::numeric_limits<std::uint64_t>::max()) {
      // Node budget only (bench --signature, --max-nodes): split it like the
      // time budget, in nodes, so the result does not depend on machine speed.
      pe.budget_s = 1e6;
      pe.max_nodes = std::max<std::uint64_t>(
          1, static_cast<std::uint64_t>(options_.max_pe_fraction *
                                        static_cast<double>(limits.max_nodes) /
                                        static_cast<double>(examples.size())));
    }
    const PerExampleResult r = per_example_search(examples, pe_ptrs_, pe, limits);
    pe_examples_ = examples;
    pe_programs_.clear();
    for (const PESolution& s : r.solutions) pe_programs_.push_back(s.program);
    out.stats += r.stats;
    if (r.full_solution) {
      out.program = r.full_solution;
    } else {
      std::vector<PEProgram> sols;
      for (const PESolution& s : r.solutions) sols.push_back(PEProgram{s.program, s.score});
      policy_->set_solutions(examples, sols);
      // The task's node budget covers both phases.
      SearchLimits global = limits;
      if (limits.max_nodes != std::numeric_limits<std::uint64_t>::max())
        global.max_nodes =
            limits.max_nodes > out.stats.nodes ? limits.max_nodes - out.stats.nodes : 0;
      const SearchResult g = beam_search(examples, *policy_, BeamSearchOptions{}, global);
      out.program = g.program;
      out.stats += g.stats;
    }
    out.stats.time_s = std::chrono::duration<double>(Clock::now() - start).count();
    return out;
  }

 private:
  NPEPSOptions options_;
  int threads_;
  double global_first_share_;  // make_npeps_solver
  std::unique_ptr<PCCoderNet> global_, key_net_;
  std::unique_ptr<CrossAggregator> aggregator_;
  std::vector<std::unique_ptr<Policy> > pe_policies_;
  std::vector<Policy*> pe_ptrs_;
  std::unique_ptr<AggregatorPolicy> policy_;
  // The last PE phase: its task's examples and every PE solution it found.
  std::vector<Example> pe_examples_;
  std::vector<Program> pe_programs_;
};

}  // namespace

std::unique_ptr<Solver> make_npeps_solver(const SolverConfig& cfg, NPEPSVariant variant,
                                          double global_first_share) {
  return std::make_unique<NPEPSSolver>(cfg, variant, cfg.npeps, global_first_share);
}
#endif

}  // namespace npeps
