// INTERNAL to models/: the PCCoder network's dense block, from the
// variable instances' codes to the last layer's output, as one autograd
// function (CPU, float; models/state_encoder.cpp uses it there).
//
// Written with torch's ops, the dense weights are rearranged every step
// (the 12 variables' blocks of all layers stacked per slot, each layer's
// block of every later layer stacked per layer: some thirty splits and
// concatenations, and as many again in the backward pass), the instances'
// contributions are concatenated, gathered per example row and the biases
// added. Here the weights are copied once into one packed matrix whose row
// and column blocks are those stacks, the products write into their
// destinations, and the backward pass fills the packed matrix's gradient
// and copies each layer's gradient out of it once.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <vector>

#include "models/panel_gemm.h"

namespace npeps {

// The packed weights [N, in of the last layer] (N = the sum of the
// layers' widths): layer i's weight at rows [offset_i, offset_i + width_i)
// and columns [0, in_i). Entries outside are unused (uninitialised).
torch::Tensor pack_dense_weights(const std::vector<torch::Tensor>& weights);

// What inference caches: the packed weights and, on a CPU where
// models/panel_gemm.h's kernel runs, every product's weights as its
// panels: per slot, its block of every layer [V, N]; per layer k >= 1, its
// block for the earlier layers' outputs (index 0 unused).
struct DensePack {
  torch::Tensor packed;
  std::vector<PackedPanels> slot, earlier;
};
std::shared_ptr<const DensePack> pack_dense(const std::vector<torch::Tensor>& weights,
                                            std::int64_t slots);

// codes [U, V]: the instances' codes, grouped by slot (slot s's are rows
// [slot_start[s], slot_start[s + 1])); rows [R, S] int64: each example
// row's instance per slot; weights/biases: the L dense layers' (layer i's
// input is the S variables' codes then the outputs of layers 0..i-1).
// pack: pack_dense(weights, S), or null to pack here (it must be current:
// inference passes a cached one). Returns the last layer's output
// [R, width of the last layer], differentiable in codes, weights and
// biases.
torch::Tensor dense_block(const torch::Tensor& codes, const std::vector<std::int64_t>& slot_start,
                          const torch::Tensor& rows, const std::vector<torch::Tensor>& weights,
                          const std::vector<torch::Tensor>& biases,
                          std::shared_ptr<const DensePack> pack);

}  // namespace npeps
