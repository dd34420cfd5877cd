// Synthesis methods as plug-ins: each method is a Solver made by a factory
// from a SolverConfig. The facade (Synthesizer), the CLI and the benchmark
// harness all find methods here by name.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/program.h"
#include "npeps/synthesizer.h"
#include "search/search_result.h"

namespace npeps {

// File names of the models inside a model directory.
inline constexpr const char* kPCCoderModelFile = "pccoder.ckpt";  // global model
inline constexpr const char* kPEModelFile = "pe.ckpt";            // per-example model

// NPEPSOptions: include/npeps/synthesizer.h (public, declared once).

struct SolverConfig {
  int threads = 1;         // worker threads per task
  std::string model_dir;   // directory with the trained models (never empty here)
  NPEPSOptions npeps;      // the N-PEPS methods' settings (ignored by the others)
};

// One synthesis method, ready to solve tasks. Created once (models are
// loaded in the factory) and reused; not thread-safe: one solve() at a time.
class Solver {
 public:
  virtual ~Solver() = default;
  virtual SearchResult solve(const std::vector<Example>& examples, const SearchLimits& limits) = 0;
  // The operators the enumerator's focus run searches alone
  // (search/exhaustive_phase.h); empty: no focus run.
  virtual std::vector<OperatorId> focus_operators(const std::vector<Example>&) { return {}; }
};

struct MethodInfo {
  std::string name;                                                  // as given to --method
  std::string description;                                           // one line for --help
  std::function<std::unique_ptr<Solver>(const SolverConfig&)> make;  // may throw std::runtime_error
};

// The light build of the CLI (no LibTorch; NPEPS_NEURAL_BY_HANDOFF) lists
// the neural methods too; making one calls this function, which replaces
// the process by the full build (cli/neural_handoff.h). Without one set,
// or when it returns, the factory throws std::runtime_error. A no-op in
// the other builds.
using NeuralHandoff = void (*)();
void set_neural_handoff(NeuralHandoff fn);

// In the light build, lets the methods with the exhaustive phase (the
// default `portfolio`, `pccoder`, `npeps`, ...) be made without the models:
// the enumerator starts in this process. With at least `min_budget_s`
// seconds of the task's budget left after the phase's first step, the
// enumerator searches for that step's share and, if it finds nothing, the
// process is handed over; with less, loading LibTorch would take most of
// the rest, and the enumerator searches alone to the deadline. Hands over
// at once without a deadline, or when the model directory lacks a file
// the method loads. For `npeps synth` on one task (cli/cmd_synth.cpp); a
// no-op in the other builds.
void defer_neural_handoff(double min_budget_s);

// Every method of this build, in display order.
const std::vector<MethodInfo>& methods();
// nullptr when unknown.
const MethodInfo* find_method(std::string_view name);
// The worker threads a method really starts for `requested` (1..kMaxThreads):
// at most the CPUs this process may run on (sched_getaffinity), since more
// only slow every thread down and stretch the time budget (64 threads on 2
// CPUs: 2.8 s for a 1 s budget).
int usable_threads(int requested);

// default_model_dir(): the shipped models' directory (npeps/synthesizer.h).

}  // namespace npeps
