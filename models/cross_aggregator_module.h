// INTERNAL to models/: the torch module behind CrossAggregator.
#pragma once

#include <torch/torch.h>

#include "models/cross_aggregator.h"

namespace npeps {

// A padded batch of aggregator inputs. B instances, Lq queries, Lk keys.
struct AggregatorBatch {
  torch::Tensor query;      // [B, Lq, D] float
  torch::Tensor query_pos;  // [B, Lq] long (depth)
  torch::Tensor key;        // [B or 1, Lk, D] float (broadcast over B when 1)
  torch::Tensor key_pos;    // [B or 1, Lk] long
  torch::Tensor value;      // [B or 1, Lk] long statement, kNumStatements at padding
  torch::Tensor value_op;   // [B or 1, Lk] long operator, kNumOperators at padding (training)
  torch::Tensor key_mask;   // [B or 1, Lk] bool, true = real key
  torch::Tensor key_score;  // [B or 1, Lk] float (used when options.use_scores)
};

class CrossAggregatorModuleImpl : public torch::nn::Module {
 public:
  explicit CrossAggregatorModuleImpl(const AggregatorOptions& o);

  struct Outputs {
    torch::Tensor statement;  // [B, Lq, 1298] logits
    torch::Tensor op;         // [B, Lq, 38] logits (undefined unless with_operator)
    torch::Tensor attention;  // [B, heads, Lq, Lk] weights
  };
  Outputs forward(const AggregatorBatch& in, bool with_operator);

  // Key-side projections, reusable for any queries of the same task.
  struct Prepared {
    torch::Tensor k;      // [Bk, heads, Lk, d_k]
    torch::Tensor v;      // [Bk, heads, Lk, d_v] statement values
    torch::Tensor v_op;   // [Bk, heads, Lk, d_v] operator values (when requested)
    torch::Tensor mask;   // [Bk, 1, 1, Lk] bool
    torch::Tensor score;  // [Bk, 1, 1, Lk] float
  };
  Prepared prepare(const AggregatorBatch& in, bool with_operator);
  Outputs attend(const torch::Tensor& query, const torch::Tensor& query_pos, const Prepared& p,
                 bool with_operator);

  // Starts the output layers from a PCCoder network's heads.
  void init_heads(PCCoderNet& global);

  torch::Tensor positions(const torch::Tensor& pos) const;  // [.., D] encodings

 private:
  AggregatorOptions o_;
  torch::Tensor pos_table_;  // [max_positions, D] buffer
  torch::nn::Embedding statement_emb_{nullptr}, operator_emb_{nullptr};
  torch::nn::LayerNorm input_norm_{nullptr}, attn_norm_{nullptr};
  torch::nn::Linear w_q_{nullptr}, w_k_{nullptr}, w_v_{nullptr}, w_o_{nullptr};
  torch::nn::Linear ff_s1_{nullptr}, ff_s2_{nullptr}, ff_o1_{nullptr}, ff_o2_{nullptr};
  torch::nn::LayerNorm ff_s_norm_{nullptr}, ff_o_norm_{nullptr};
  torch::nn::Linear statement_out_{nullptr}, operator_out_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
};
TORCH_MODULE(CrossAggregatorModule);

struct CrossAggregator::Impl {
  AggregatorOptions options;
  torch::Device device = torch::kCPU;
  CrossAggregatorModule module{nullptr};
  CrossAggregatorModuleImpl::Prepared prepared;  // set_keys()
  int num_keys = 0;
};

// Saves with optimizer state (trainer) when `optimizer` is not null.
void save_aggregator(const std::string& path, const CrossAggregator& model,
                     AggregatorCheckpoint header, const torch::optim::Optimizer* optimizer);
void load_aggregator_optimizer(const std::string& path, torch::optim::Optimizer& optimizer);

}  // namespace npeps
