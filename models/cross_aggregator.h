// The Cross Aggregator (CA) of N-PEPS (Shrivastava et al., NeurIPS 2021):
// multi-head cross attention from the current global state to the PE
// solutions' execution states. Torch-free facade.
//
//   query  = global model's embedding of the current state (all examples),
//            + sinusoidal position encoding of the current depth
//   keys   = key encoder's embedding of each PE solution's state before each
//            statement, on each example (models/aggregator_keys.h)
//            + position encoding of the step
//   values = learned embedding of that statement (1,298 + padding index)
//            + position encoding of the step
// Query, keys and values go through one layer norm; then multi-head
// attention (padded keys masked to -inf before the softmax; N-PEPS+U
// averages each logit with the key's solution score), output projection,
// residual (the query) and layer norm, a position-wise feed-forward block
// with residual and layer norm, and a linear layer over the 1,298
// statements initialised from the global model's statement head. During
// training a second branch (operator values, the same attention weights,
// its own feed-forward block and a 38-way layer initialised from the
// operator head) predicts the operator as an auxiliary target.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/aggregator_keys.h"
#include "models/pccoder_net.h"

namespace npeps {

// Which frozen network embeds the keys' single-example states.
enum class KeyEncoder { PE, Global };

struct AggregatorOptions {
  int d_model = 256;       // width of queries, keys and values; must equal the encoders' hidden_dim
  int heads = 8;           // attention heads
  int d_k = 64;            // query/key width per head
  int d_v = 64;            // value width per head
  int d_inner = 2048;      // hidden width of the position-wise feed-forward blocks
  double dropout = 0.1;    // dropout in training (attention weights, projections); 0 = none
  int max_positions = 64;  // rows of the position table; larger positions use the last row
  // Average the attention logits with the keys' solution scores (N-PEPS+U).
  bool use_scores = false;
  // Network that embeds the keys. PE: the PE model, as the reference code
  // does for its default key type (single-example states are what that
  // model was trained on); Global: the global model.
  KeyEncoder key_encoder = KeyEncoder::PE;

  friend bool operator==(const AggregatorOptions&, const AggregatorOptions&) = default;
};

nlohmann::json to_json(const AggregatorOptions& o);
// Values a checkpoint of the network `o` stores: its parameters
// (CrossAggregator::num_parameters(), without building it) and the position
// table. Checkpoints are checked against their size with it.
std::int64_t stored_value_count(const AggregatorOptions& o);
// Throws CheckpointError (models/checkpoint.h) on a missing or bad field.
AggregatorOptions aggregator_options_from_json(const nlohmann::json& j);

// Owns one cross aggregator (CPU, or CUDA when asked and available).
// Not thread-safe.
class CrossAggregator {
 public:
  // Random initialisation from `seed`; when `global` is given, the output
  // layers start from its statement and operator heads (its hidden_dim
  // must equal d_model). Throws std::invalid_argument on bad sizes.
  explicit CrossAggregator(const AggregatorOptions& options, std::uint64_t seed = 1,
                           PCCoderNet* global = nullptr, bool use_cuda = false);
  ~CrossAggregator();
  CrossAggregator(CrossAggregator&&) noexcept;
  CrossAggregator& operator=(CrossAggregator&&) noexcept;

  const AggregatorOptions& options() const;
  std::int64_t num_parameters() const;
  bool on_cuda() const;

  // Inference. set_keys() prepares one task's keys (their projections are
  // computed once); predict() then gives statement logits (batch x 1,298,
  // row-major) for `queries` (batch x d_model global embeddings) at the
  // given depths. With no keys, predict() throws std::logic_error (the
  // caller falls back to the global model).
  void set_keys(const AggregatorKeys& keys);
  int num_keys() const;
  void predict(std::span<const float> queries, std::span<const int> depths,
               std::vector<float>& statement_logits);

  struct Impl;  // models/cross_aggregator_module.h (torch)
  Impl& impl() { return *impl_; }
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// Checkpoint I/O in the format of models/checkpoint.h (magic line, JSON
// header with "architecture": {"kind": "cross-aggregator", ...} and the DSL
// version, torch archive). Throws CheckpointError.
struct AggregatorCheckpoint {
  AggregatorOptions architecture;
  std::int64_t step = 0;
  int epoch = 0;
  nlohmann::json metrics = nlohmann::json::object();
  bool has_optimizer = false;
  bool float16 = false;  // weights stored as float16 (shipped files; loaded as float32)
};
void save_aggregator(const std::string& path, const CrossAggregator& model,
                     AggregatorCheckpoint header);
AggregatorCheckpoint read_aggregator_header(const std::string& path);
struct LoadedAggregator {
  AggregatorCheckpoint header;
  CrossAggregator model;
};
LoadedAggregator load_aggregator(const std::string& path, bool use_cuda = false);

}  // namespace npeps
