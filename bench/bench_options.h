// The run configuration of `npeps bench`: which tasks, which methods, what
// budget. Everything that changes results is here, and is stored in
// DIR/config.json so a resumed run or a merge can check it matches.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "npeps/synthesizer.h"

namespace npeps {

struct BenchOptions {
  // JSON Lines datasets, read in order. Empty: the built-in `suite` is used.
  std::vector<std::string> task_files;
  // Built-in suite when task_files is empty: "e1" (length 4), "e2" (lengths
  // 5, 8, 10, 12, 14) or "signature" (10 programs each of lengths 3 and 4, fixed seed).
  std::string suite;
  std::size_t suite_size = 100;  // tasks per program length in e1/e2
  // Training split (JSON Lines): suites avoid the behaviour of its programs.
  std::string exclude_file;
  std::vector<std::string> methods = {"enum"};  // Synthesizer::methods() names, in report order
  double timeout_s = 10.0;  // wall budget per task and method, seconds; 0 = none (needs max_nodes)
  std::uint64_t max_nodes = 0;  // node budget per task and method; 0 = none
  int threads = 1;              // worker threads per task (SynthesizerOptions::threads)
  std::uint64_t seed = 1;       // seeds suite generation (the searches are deterministic)
  NPEPSOptions npeps;           // the N-PEPS methods' settings (alpha, PE budget, solutions kept)
  // Examples hidden from the solver: the last `holdout` of each task, used
  // afterwards to check the found program generalises. Suites are generated
  // with 5 + holdout examples so the solver still sees 5.
  int holdout = 0;
  int shard_index = 0;  // this run solves tasks with index % shard_count == shard_index
  int shard_count = 1;
  std::string model_dir;  // trained models; empty = default_model_dir(). Not part of config.json.
  int generator_threads =
      0;  // TBB threads for suite generation (0 = all); does not change the suite
};

// A user error in the options, the task files, or an output directory
// whose stored configuration differs. what() says which field and why.
struct BenchError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws BenchError unless the options are usable (known methods, a budget,
// shard in range, holdout 0..9, a task source).
void validate(const BenchOptions& opts);

// Parses "I/N" (0 <= I < N). Throws BenchError.
void parse_shard(const std::string& text, int& index, int& count);

}  // namespace npeps
