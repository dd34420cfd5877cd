// Model checkpoints: one file holding a one-line text magic, a one-line
// JSON header (architecture, DSL version, training progress, metrics) and
// then a torch archive with the parameters (and, from the trainer, the
// optimizer state). Torch-free interface.
//
//   npeps-checkpoint 1\n
//   {"dsl_version":"deepcoder-dsl-1","architecture":{...},"epoch":3,...}\n
//   <torch archive bytes>
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "models/pccoder_net.h"

namespace npeps {

// Version of the DSL semantics and statement space the models are trained
// for; a checkpoint for another version is refused.
inline constexpr const char* kDslVersion = "deepcoder-dsl-1";

// A checkpoint that cannot be used: missing, unreadable, truncated or
// corrupt, for another DSL version, or for another architecture.
struct CheckpointError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CheckpointHeader {
  NetOptions architecture;                            // network sizes
  std::string dsl_version = kDslVersion;              // must equal kDslVersion to load
  std::int64_t step = 0;                              // optimizer steps taken
  int epoch = 0;                                      // epochs completed
  nlohmann::json metrics = nlohmann::json::object();  // free-form (last validation etc.)
  bool has_optimizer = false;                         // the archive holds optimizer state
  bool float16 = false;  // weights stored as float16 (shipped files; loaded as float32)
};

nlohmann::json to_json(const NetOptions& o);
// Values a checkpoint of the network `o` stores: its parameters
// (PCCoderNet::num_parameters(), without building it) and buffers.
// Checkpoints are checked against their size with it.
std::int64_t stored_value_count(const NetOptions& o);
// Throws CheckpointError when a field is missing or not a positive integer.
NetOptions net_options_from_json(const nlohmann::json& j);

// Writes `net` (header.architecture is taken from it) to `path` atomically
// (a temporary file renamed over it). Throws CheckpointError on I/O failure.
void save_checkpoint(const std::string& path, const PCCoderNet& net, CheckpointHeader header);

// Reads only the header. Throws CheckpointError.
CheckpointHeader read_checkpoint_header(const std::string& path);

// A network restored from a checkpoint.
struct LoadedModel {
  CheckpointHeader header;
  PCCoderNet net;
};

// Loads the network a checkpoint describes. When `expected` is given, a
// checkpoint with another architecture is refused. Throws CheckpointError
// (never a torch error) for every kind of bad file.
LoadedModel load_checkpoint(const std::string& path, const NetOptions* expected = nullptr,
                            bool use_cuda = false);

}  // namespace npeps
