// INTERNAL to models/: the on-disk layout every npeps checkpoint shares
// (see models/checkpoint.h), independent of the network kind:
//
//   npeps-checkpoint 1\n
//   {"dsl_version":...,"architecture":{...},"step":..,"epoch":..,
//    "metrics":{...},"has_optimizer":..}\n
//   <torch archive: "model" and optionally "optimizer">
//
// Each network kind (PCCoder, cross aggregator) supplies only its header
// struct and its architecture (de)serializer. Every function throws
// CheckpointError, never a torch or JSON error, for bad files.
#pragma once

#include <torch/torch.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "models/checkpoint.h"

namespace npeps {

// Opens `path` for reading ("cannot open checkpoint").
std::ifstream open_checkpoint_file(const std::string& path);

// Reads the magic line and the JSON header line of an opened checkpoint
// ("not an npeps checkpoint", "truncated (in the header)", "corrupt header").
nlohmann::json read_checkpoint_header_json(std::istream& in, const std::string& path);

// Reads the rest of the stream: the archive bytes ("truncated (no weights)"
// when there are none).
std::string read_checkpoint_archive(std::istream& in, const std::string& path);

// A checkpoint's parsed header and, when requested, its archive bytes.
template <class Header>
struct CheckpointContents {
  Header header;
  std::string archive;  // empty unless read with the archive
};

// Parses the fields every header has from `j`: refuses another DSL version,
// parses "architecture" with `parse_architecture` (json -> options, may
// throw CheckpointError) and reads step, epoch, metrics and has_optimizer.
// Errors become CheckpointError messages that name `path`.
template <class Header, class ParseArchitecture>
Header parse_checkpoint_header(const nlohmann::json& j, const std::string& path,
                               ParseArchitecture parse_architecture) {
  Header h;
  try {
    const std::string dsl = j.at("dsl_version").get<std::string>();
    if (dsl != kDslVersion)
      throw CheckpointError("checkpoint '" + path + "' is for DSL version '" + dsl +
                            "', but this build uses '" + kDslVersion + "'");
    h.architecture = parse_architecture(j.at("architecture"));
    h.step = j.value("step", std::int64_t{0});
    h.epoch = j.value("epoch", 0);
    h.metrics = j.value("metrics", nlohmann::json::object());
    h.has_optimizer = j.value("has_optimizer", false);
    h.float16 = j.value("weights", std::string("float32")) == "float16";
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError("checkpoint '" + path + "': bad header: " + e.what());
  } catch (const CheckpointError& e) {
    const std::string what = e.what();
    if (what.rfind("checkpoint '", 0) == 0) throw;
    throw CheckpointError("checkpoint '" + path + "': " + what);
  }
  return h;
}

// Checks that `j` is a JSON object whose "kind" is `kind`; a missing
// "kind" passes when `may_be_missing` (files older than the field).
void check_architecture_kind(const nlohmann::json& j, const std::string& kind, bool may_be_missing);

// Largest value any integer architecture field may hold: far above every
// trained network, low enough that sizes multiply without overflow.
inline constexpr int kMaxArchitectureField = 1 << 16;

// The field `name` of the architecture object `j`, which must be an
// integer in 1..kMaxArchitectureField.
int architecture_positive_int(const nlohmann::json& j, const char* name);

// Checks that the `weight_bytes` bytes after the header can hold the
// `parameters` (stored values) an architecture needs (each float16 or float32), so a
// corrupt header ("hidden_dim": 999999999) is refused before anything is
// allocated: "checkpoint 'P': the architecture needs N parameters (B bytes),
// the file holds only W bytes of weights".
void check_weights_fit(std::int64_t parameters, bool float16, std::uint64_t weight_bytes,
                       const std::string& path);

// The JSON header line of `h` (any header struct with the common fields;
// `to_json(h.architecture)` serializes its architecture), for this DSL version.
template <class Header>
nlohmann::json checkpoint_header_json(const Header& h) {
  return {{"dsl_version", kDslVersion},
          {"architecture", to_json(h.architecture)},
          {"step", h.step},
          {"epoch", h.epoch},
          {"metrics", h.metrics},
          {"has_optimizer", h.has_optimizer}};
}

// Bytes of `in` from its current position to the end of the file `path`.
std::uint64_t bytes_left(std::istream& in, const std::string& path);

// Reads the checkpoint at `path`: header (validated, also against the file's
// size with `stored_value_count(header.architecture)`, before the archive is
// read) and, when `with_archive`, the archive bytes.
template <class Header, class ParseArchitecture>
CheckpointContents<Header> read_checkpoint_contents(const std::string& path, bool with_archive,
                                                    ParseArchitecture parse_architecture) {
  std::ifstream in = open_checkpoint_file(path);
  const nlohmann::json j = read_checkpoint_header_json(in, path);
  CheckpointContents<Header> c{parse_checkpoint_header<Header>(j, path, parse_architecture), {}};
  check_weights_fit(stored_value_count(c.header.architecture), c.header.float16,
                    bytes_left(in, path), path);
  if (with_archive) c.archive = read_checkpoint_archive(in, path);
  return c;
}

// Writes `path` atomically (a temporary `path`.tmp renamed over it; parent
// directories are created): the magic line, `header` as one JSON line, and
// an archive with `module` under "model" and, when not null, `optimizer`'s
// state under "optimizer". With `float16` and no optimizer, floating-point
// tensors are stored as float16, halving the file (checkpoints with
// optimizer state always keep float32). Sets the header's "weights" field.
// Throws CheckpointError on I/O failure.
void write_checkpoint_file(const std::string& path, const nlohmann::json& header,
                           const torch::nn::Module& module,
                           const torch::optim::Optimizer* optimizer, bool float16 = false);

// Loads the "model" entry of `archive` into `module` on `device`, checks
// each parameter kept the shape the architecture gave it (archive reads
// replace tensors wholesale), then moves `module` to `device`.
// `float16`: the weights were stored as float16; they are loaded as float32.
void load_checkpoint_module(const std::string& archive, torch::nn::Module& module,
                            torch::Device device, const std::string& path, bool float16 = false);

// Loads the "optimizer" entry of `archive` into `optimizer`, onto the device
// of its parameters; `has_optimizer` is the header's flag ("holds no
// optimizer state" when false).
void load_checkpoint_optimizer(const std::string& archive, bool has_optimizer,
                               const std::string& path, torch::optim::Optimizer& optimizer);

}  // namespace npeps
