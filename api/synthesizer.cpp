#include "npeps/synthesizer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "api/example_subset.h"
#include "api/progress_reporter.h"
#include "api/solver.h"
#include "datasets/task.h"
#include "dsl/examples_check.h"
#include "dsl/printer.h"
#include "search/memory_cap.h"

namespace npeps {
namespace {

nlohmann::json datum_to_json(const Datum& d) {
  if (std::holds_alternative<int>(d)) return std::get<int>(d);
  if (std::holds_alternative<std::vector<int>>(d)) return std::get<std::vector<int>>(d);
  return nullptr;
}

}  // namespace

struct Synthesizer::Impl {
  SynthesizerOptions options;
  const MethodInfo* method = nullptr;
  std::unique_ptr<Solver> solver;  // made by the constructor (models loaded)
  std::atomic<bool> cancel{false};
  std::optional<Clock::time_point> deadline;  // set_deadline(), for the next call

  SynthesisResult solve(const Task& task) {
    const auto start = Clock::now();
    if (const auto c = contradicting_examples(task.examples)) {
      SynthesisResult out;
      out.id = task.id;
      out.method = method->name;
      out.unsolvable = "examples " + std::to_string(c->first + 1) + " and " +
                       std::to_string(c->second + 1) +
                       " have the same inputs and different outputs";
      out.time_s = std::chrono::duration<double>(Clock::now() - start).count();
      return out;
    }
    SearchLimits limits = SearchLimits::with_timeout(options.timeout_s);
    if (deadline) limits.deadline = std::min(limits.deadline, *deadline);
    deadline.reset();
    if (options.max_nodes > 0) limits.max_nodes = options.max_nodes;
    // A cancel() made before this call stops it at once; the call clears
    // the flag when it returns, whatever happens.
    struct ClearOnExit {
      std::atomic<bool>& flag;
      ~ClearOnExit() { flag.store(false); }
    } clear{cancel};
    limits.cancel = &cancel;
    limits.max_memory_bytes = options.max_memory_mb > 0
                                  ? static_cast<std::size_t>(options.max_memory_mb) << 20
                                  : default_memory_cap();
    std::atomic<std::uint64_t> live_nodes{0};
    limits.live_nodes = &live_nodes;
    const double budget_s = limits.deadline == Clock::time_point::max()
                                ? std::numeric_limits<double>::infinity()
                                : std::chrono::duration<double>(limits.deadline - start).count();
    ProgressReporter reporter(options.progress, options.progress_interval_s, start, budget_s,
                              live_nodes, cancel);
    SearchResult r = solve_on_subsets(*solver, task.examples, limits);
    reporter.finish();  // rethrows what the progress function threw
    SynthesisResult out;
    out.id = task.id;
    out.method = method->name;
    out.time_s = std::chrono::duration<double>(Clock::now() - start).count();
    out.nodes = r.stats.nodes;
    out.checks = r.stats.checks;
    out.model_calls = r.stats.model_calls;
    out.memory_capped = r.stats.memory_capped;
    // Re-check: a result is only reported solved when it satisfies every example.
    if (r.program && satisfies(*r.program, task.examples)) {
      out.solved = true;
      out.program = to_compact(*r.program);
      out.readable = to_readable(*r.program);
    }
    return out;
  }
};

void validate(const NPEPSOptions& o) {
  if (!(o.alpha >= 0 && o.alpha <= 1)) throw InvalidInput("alpha must be in [0, 1]");
  if (!(o.pe_budget_s > 0) || !std::isfinite(o.pe_budget_s))
    throw InvalidInput("PE budget must be a positive number of seconds");
  if (!(o.max_pe_fraction > 0 && o.max_pe_fraction <= 1))
    throw InvalidInput("PE share of the budget must be in (0, 1]");
  if (o.max_pe_solutions < 1) throw InvalidInput("PE solutions must be at least 1");
}

Synthesizer::Synthesizer(SynthesizerOptions options) : impl_(std::make_unique<Impl>()) {
  if (options.method.empty()) options.method = default_method();
  impl_->method = find_method(options.method);
  if (!impl_->method) {
    std::string known;
    for (const MethodInfo& m : npeps::methods()) known += (known.empty() ? "" : ", ") + m.name;
    throw InvalidInput("unknown method '" + options.method + "' (available: " + known + ")");
  }
  if (!(options.timeout_s > 0)) throw InvalidInput("timeout must be a positive number of seconds");
  if (options.threads < 1 || options.threads > kMaxThreads)
    throw InvalidInput("threads must be in 1.." + std::to_string(kMaxThreads));
  if (!(options.progress_interval_s > 0) || !std::isfinite(options.progress_interval_s))
    throw InvalidInput("progress interval must be a positive number of seconds");
  validate(options.npeps);
  impl_->options = std::move(options);
  const SynthesizerOptions& o = impl_->options;
  SolverConfig cfg;
  cfg.threads = usable_threads(o.threads);
  cfg.model_dir = o.model_dir.empty() ? default_model_dir() : o.model_dir;
  cfg.npeps = o.npeps;
  try {
    impl_->solver = impl_->method->make(cfg);
  } catch (const std::exception& e) {
    throw ModelError("method " + impl_->method->name + ": " + e.what());
  }
}

Synthesizer::~Synthesizer() = default;

SynthesisResult Synthesizer::synthesize(const TaskSpec& spec) {
  nlohmann::json j;
  if (!spec.id.empty()) j["id"] = spec.id;
  j["examples"] = nlohmann::json::array();
  for (const IoExample& e : spec.examples) {
    nlohmann::json ex;
    ex["inputs"] = nlohmann::json::array();
    for (const Datum& d : e.inputs) ex["inputs"].push_back(datum_to_json(d));
    ex["output"] = datum_to_json(e.output);
    j["examples"].push_back(std::move(ex));
  }
  try {
    return impl_->solve(task_from_json(j, "task"));
  } catch (const TaskError& e) {
    throw InvalidInput(e.what());
  }
}

SynthesisResult Synthesizer::synthesize_json(std::string_view task_json,
                                             const std::string& where) {
  try {
    return impl_->solve(parse_task(task_json, where));
  } catch (const TaskError& e) {
    throw InvalidInput(e.what());
  }
}

void Synthesizer::cancel() { impl_->cancel.store(true); }

void Synthesizer::set_deadline(std::chrono::steady_clock::time_point deadline) {
  impl_->deadline = deadline;
}

const SynthesizerOptions& Synthesizer::options() const { return impl_->options; }

std::vector<std::string> Synthesizer::methods() {
  std::vector<std::string> names;
  for (const MethodInfo& m : npeps::methods()) names.push_back(m.name);
  return names;
}

// The portfolio (api/methods.cpp): PCCoder's and Mean-PEPS's searches inside
// the exhaustive phase; on the union of the suites it solved more tasks than
// any single method (README, "The portfolio"). It needs no aggregator model.
std::string Synthesizer::default_method() {
  return find_method("portfolio") ? "portfolio" : "enum";
}

const char* version() { return "0.1.0"; }

}  // namespace npeps
