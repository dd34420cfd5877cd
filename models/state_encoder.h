// INTERNAL to models/: the PCCoder network's state embedding (torch).
//
// encode_states() computes exactly what the network of models/pccoder_net.h
// defines, rearranged for speed (checked against encode_states_reference()
// by tests/models/state_encoder_test.cpp):
//  - the token embedding and the variable encoder are fused: the encoder is
//    linear before its SELU, so a variable's pre-activation is the sum over
//    its 20 list positions of rows of one [20 x 513 + 3, V] table
//    (embedding x the encoder's weight block of that position; the 3 type
//    rows carry the bias), read with embedding_bag instead of materialising
//    B x E x 12 x 400 embeddings;
//  - each distinct (slot, value) variable of the batch is encoded once
//    (models/var_instances.h), and its contribution to every dense layer is
//    one product with that slot's block of all the layers' weights;
//  - each dense layer's output is multiplied once by its blocks of all later
//    layers' weights, instead of every layer re-reading the concatenation of
//    all earlier outputs (the same products, in fewer and wider matrices);
//  - only real example rows are computed (no padding examples);
//  - on the CPU the dense block from the instances' codes on is one
//    autograd function (models/dense_block.h), without the rearranged
//    weights' copies and small tensors of each step; its forward pass reads
//    all earlier outputs in one product per layer (the backward pass keeps
//    the per-output products above).
#pragma once

#include <torch/torch.h>

#include <memory>
#include <vector>

#include "models/dense_block.h"
#include "models/pccoder_net.h"

namespace npeps {

// The parameters rearranged for the fast path (derived from them). On the
// CPU the dense block is one autograd function (models/dense_block.h) that
// reads `packed`; elsewhere torch's ops read the stacks below it.
struct DerivedWeights {
  torch::Tensor table;               // [20 * 513 + 3, V]
  std::shared_ptr<const DensePack> packed;  // CPU, cache only: pack_dense
  std::vector<torch::Tensor> slot;   // per variable: [V, sum of layer widths]
  std::vector<torch::Tensor> later;  // per layer k >= 1: [growth, widths of layers k..]
  torch::Tensor bias;                // all layers' biases
  std::vector<int64_t> width;        // per layer
};

// DerivedWeights kept across inference calls, with the parameters' data
// pointers and versions they were derived from.
struct EncoderCache {
  std::vector<int64_t> key;
  DerivedWeights weights;
};

struct StateEncoderParts {
  torch::nn::Embedding& embedding;
  torch::nn::Linear& var_encoder;
  std::vector<torch::nn::Linear>& dense;
  const torch::Tensor& type_table;  // [3, 2]
  EncoderCache* cache = nullptr;    // used without gradients (inference)
};

// The state embedding [B, hidden_dim]: the mean over each state's real
// examples of the dense block's output. tokens [B,E,12,21], counts [B] (any
// integer type, any device; the instance index is built on the CPU).
torch::Tensor encode_states(const NetOptions& o, const StateEncoderParts& parts,
                            const torch::Tensor& tokens, const torch::Tensor& counts);

// The same, computed as the network is written (embedding, concatenation,
// encoder, dense layers on the growing concatenation, masked mean).
torch::Tensor encode_states_reference(const NetOptions& o, const StateEncoderParts& parts,
                                      const torch::Tensor& tokens, const torch::Tensor& counts);

}  // namespace npeps
