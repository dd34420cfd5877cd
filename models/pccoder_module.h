// INTERNAL to models/: the torch module behind PCCoderNet. Include it only
// from models/*.cpp (it pulls in torch, which nothing outside models/ may).
#pragma once

#include <torch/torch.h>

#include "models/pccoder_net.h"

namespace npeps {

struct EncoderCache;  // models/state_encoder.h

// The network described in models/pccoder_net.h.
class PCCoderModuleImpl : public torch::nn::Module {
 public:
  explicit PCCoderModuleImpl(const NetOptions& o);

  struct Outputs {
    torch::Tensor statement;  // [B, 1298] logits
    torch::Tensor drop;       // [B, 11] logits
    torch::Tensor op;         // [B, 38] logits
  };
  // tokens: [B, E, 12, 21] int64; counts: [B] int64 real examples per state.
  Outputs forward(const torch::Tensor& tokens, const torch::Tensor& counts);

  // The state encoder's inference cache (rearranged weights).
  EncoderCache& encoder_cache() { return *cache_; }

 private:
  NetOptions opts_;
  torch::nn::Embedding embedding_{nullptr};
  torch::nn::Linear var_encoder_{nullptr};
  std::vector<torch::nn::Linear> dense_;  // registered as dense0, dense1, ...
  torch::nn::Linear statement_head_{nullptr}, drop_head_{nullptr}, operator_head_{nullptr};
  std::shared_ptr<EncoderCache> cache_;
  torch::Tensor type_table_;  // [3, 2] buffer: NULL -> (0,0), INT -> (1,0), LIST -> (0,1)
};
TORCH_MODULE(PCCoderModule);

struct PCCoderNet::Impl {
  NetOptions options;
  torch::Device device = torch::kCPU;
  PCCoderModule module{nullptr};
};

// Tensors (on `device`) for an encoded batch: tokens [B,E,12,21] (int16 on
// the CPU, which encode_states reads as they are; int64 elsewhere), counts [B] int64.
std::pair<torch::Tensor, torch::Tensor> to_tensors(const EncodedBatch& batch, torch::Device device);

// The training loss pieces (means over the batch), as in PCCoder's train.py:
// cross-entropy on the statement, binary cross-entropy on each slot's drop
// flag, cross-entropy on the operator. total = sum of the three.
struct Losses {
  torch::Tensor total, statement, drop, op;
};
Losses compute_losses(const PCCoderModuleImpl::Outputs& out, const torch::Tensor& statement,
                      const torch::Tensor& drop, const torch::Tensor& op);

}  // namespace npeps
