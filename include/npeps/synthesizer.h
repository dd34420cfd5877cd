// npeps — the embeddable facade. Plain standard-library types only: no
// Boost, TBB or torch types appear here, so an application can include this
// header with nothing but a C++20 compiler.
//
//   npeps::Synthesizer synth({.timeout_s = 2.0});  // method: npeps
//   npeps::SynthesisResult r = synth.synthesize_json(R"({"examples": [...]})");
//   if (r.solved) std::cout << r.readable << "\n";
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace npeps {

// A DSL value: NULL (std::monostate), an INT or a LIST.
using Datum = std::variant<std::monostate, int, std::vector<int>>;

struct IoExample {
  std::vector<Datum> inputs;  // 1..3 values, INT or LIST
  Datum output;               // what the program must return
};

struct TaskSpec {
  std::string id;                  // optional, echoed in the result
  std::vector<IoExample> examples;  // 1..1000 examples with the same input types (docs/FORMATS.md)
};

// Most worker threads a task may use (--threads): more only cost memory
// and start-up time on any machine this runs on.
inline constexpr int kMaxThreads = 64;

// Settings of the N-PEPS methods (npeps, npeps+U, sum-peps, mean-peps, and
// the portfolio's Mean-PEPS step; the others ignore them). Declared once:
// the CLI's synth and bench flags, the C API and the Python module all fill
// this struct and check it with validate() below.
struct NPEPSOptions {
  double pe_budget_s = 0.8;  // wall budget of each example's PE search, seconds (N-PEPS: 0.8)
  // The PE phase takes at most this share of the time left in the task
  // budget (per-example budgets are cut so that ceil(examples / threads)
  // rounds fit), leaving the rest to the global search. In (0, 1].
  double max_pe_fraction = 0.8;
  int max_pe_solutions = 5;  // PE solutions handed to the aggregator, >= 1
  double alpha = 0.8;        // p = alpha * p_aggregate + (1 - alpha) * p_global, in [0, 1]
};

// How far a running synthesize() call has got (SynthesizerOptions::progress).
struct SynthesisProgress {
  double elapsed_s = 0;     // since the call started
  double budget_s = 0;      // the call's wall budget, seconds (inf: none)
  std::uint64_t nodes = 0;  // nodes expanded so far, all phases and threads (in steps of ~1,000)
};

struct SynthesizerOptions {
  std::string method;  // a name from Synthesizer::methods(); empty = default_method()
  double timeout_s = 5.0;  // wall-clock budget per task, seconds (honoured); inf or >= 1e9: none
  // Node budget per task (search nodes expanded, as SynthesisResult::nodes
  // counts them): the search stops unsolved past it. 0 = none. With no
  // timeout, a node budget makes a result independent of machine speed.
  std::uint64_t max_nodes = 0;
  int threads = 1;         // worker threads per task, 1..kMaxThreads
  std::string model_dir;   // trained models; empty = default_model_dir()
  NPEPSOptions npeps;      // the N-PEPS methods' settings
  // Memory cap, MB of resident memory: a search that would take the process
  // past it stops (unsolved, memory_capped). 0 = 3/4 of physical memory.
  std::uint64_t max_memory_mb = 0;
  // Called about every progress_interval_s while a synthesize() call runs,
  // from a thread the call starts and joins (never two reports at once,
  // none after the call returns). Returning false stops the search: the
  // call returns unsolved, as after cancel(). An exception it throws stops
  // the search too and is rethrown by synthesize(). Empty: no reports.
  std::function<bool(const SynthesisProgress&)> progress;
  double progress_interval_s = 0.5;  // > 0
  // (There is no seed: every search is deterministic given its budget; a
  // time budget makes how far it gets depend on the machine.)
};

struct SynthesisResult {
  std::string id;
  bool solved = false;
  std::string program;   // compact form, e.g. "LIST|SORT,0|REVERSE,1"; empty if unsolved
  std::string readable;  // one statement per line
  std::string method;
  double time_s = 0;               // wall time, seconds
  std::uint64_t nodes = 0;         // search nodes expanded
  std::uint64_t checks = 0;        // statements only tested against the output (CAB lookahead)
  std::uint64_t model_calls = 0;   // batched network evaluations
  bool memory_capped = false;      // the search stopped at the memory cap (max_memory_mb)
  // Why no program can fit the examples, found before any search (e.g.
  // "examples 1 and 2 have the same inputs and different outputs"); empty
  // otherwise. Set only with solved == false.
  std::string unsolvable;
};

// Invalid task or options. what() names the task, example and field.
struct InvalidInput : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A model the method needs is missing, unreadable or corrupt, or the build
// lacks what the method needs (LibTorch). Thrown by the Synthesizer's
// constructor, which loads the method's models; what() names the file and
// what is wrong.
struct ModelError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws InvalidInput when a setting is out of range (the ranges above).
void validate(const NPEPSOptions& options);

// Thread-safety: one synthesize() at a time per Synthesizer (calls on one
// object from several threads must be serialised by the caller); separate
// Synthesizer objects may run in parallel threads. cancel() may be called
// from any thread at any time: it stops the running call (which returns
// unsolved), or, made between calls, the next call, which then returns
// unsolved at once; a call clears it when it returns. Nothing a call does
// changes process-wide settings (torch's thread count is set once, when
// the first model is loaded).
class Synthesizer {
 public:
  // Checks the options (InvalidInput) and loads the method's models
  // (ModelError), so a bad setup fails here, not at the first call.
  explicit Synthesizer(SynthesizerOptions options = {});
  ~Synthesizer();
  Synthesizer(const Synthesizer&) = delete;
  Synthesizer& operator=(const Synthesizer&) = delete;

  SynthesisResult synthesize(const TaskSpec& task);
  // A task in the JSON file format (README.md, "A task is one JSON object"). `where`
  // names the task in error messages and is its id when it has none
  // (e.g. "line 7" for a dataset line).
  SynthesisResult synthesize_json(std::string_view task_json, const std::string& where = "task");
  void cancel();
  // The next synthesize call stops by `deadline` even if its timeout ends
  // later (the CLI passes process start + timeout so that `npeps synth
  // --timeout T` ends within T of its start, model loading included).
  void set_deadline(std::chrono::steady_clock::time_point deadline);

  const SynthesizerOptions& options() const;
  // Methods available in this build, e.g. {"enum", "pccoder"}.
  static std::vector<std::string> methods();
  // "portfolio" (the exhaustive phase around PCCoder's search and then
  // Mean-PEPS's: the PE searches and the global search guided by their
  // averaged statements; the shipped models) in builds with LibTorch,
  // "enum" (model-free enumeration) in builds without.
  static std::string default_method();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// The result as the JSON object `npeps synth` prints, one line:
// {"id", "solved", "program", "readable", "method", "time_s",
//  "stats": {"nodes", "checks", "model_calls"[, "memory_capped": true]}}
// (program and readable are null when unsolved; time_s is rounded to 0.1 ms).
std::string to_json(const SynthesisResult& result);

// A statement failed while a program ran (e.g. an out-of-range result):
// what() is "statement N (OP): REASON".
struct ExecutionError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Runs `program` (compact or readable form) on `inputs_json`, a JSON array
// of INT or LIST values (e.g. "[[3,1,2], 2]"), and returns its output as
// JSON (e.g. "[1,2,3]"), as `npeps run` does. Throws InvalidInput for a
// malformed program ("malformed program: ..."), inputs that are not valid
// values ("bad inputs: ...") or do not fit the program's input types, and
// ExecutionError when a statement fails.
std::string run_program(std::string_view program, std::string_view inputs_json);

// The models' directory used when SynthesizerOptions::model_dir is empty:
// $NPEPS_MODEL_DIR when set, else share/npeps/models beside the directory
// of the binary that holds this library (PREFIX/lib/libnpeps.so or
// PREFIX/bin/npeps: PREFIX/share/npeps/models). No source path is compiled in.
std::string default_model_dir();

// Library version string.
const char* version();

}  // namespace npeps
