// INTERNAL to models/: the dense block's layers as one autograd function
// (torch), for models/state_encoder.cpp.
//
// Written with torch's ops, layer k's output is multiplied by its blocks
// of all later layers' weights and each piece is added to that layer's
// input: some fifty small tensors, adds, splits and autograd nodes per
// batch, and in the backward pass a concatenation per split. Here the
// pre-activations of all layers live in one [R, N] buffer: each product is
// accumulated into its columns in place (beta = 1, no temporary), and the
// backward pass walks the layers in reverse with the same products, so a
// batch costs the matrix products, the SELUs and two buffers.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <vector>

#include "models/panel_gemm.h"

namespace npeps {

// pre [R, N]: each layer's input from the variables and its bias, columns
// grouped by layer (widths `width`, summing to N). later[k-1] [width[k-1],
// width[k] + ... + width[L-1]]: layer k-1's output's blocks of the weights
// of layers k..L-1. Returns the last layer's output [R, width[L-1]]:
//   h_0 = selu(pre_0);  h_k = selu(pre_k + sum_{i<k} h_i . later[i] block k).
// Differentiable in pre and every later[k].
torch::Tensor dense_chain(const torch::Tensor& pre, const std::vector<torch::Tensor>& later,
                          const std::vector<std::int64_t>& width);

// The two passes on plain buffers (no autograd), shared with
// models/dense_block.h. later(k), k < L-1: layer k's output's block of the
// later layers' weights, [width[k], N - offset of layer k + 1].
using LaterBlock = std::function<torch::Tensor(std::int64_t k)>;

// Column offsets of the layers in pre: L + 1 entries, the last N.
std::vector<std::int64_t> chain_offsets(const std::vector<std::int64_t>& width);

// Runs the layers on p [R, N] (pre-activations, updated in place) and sets
// hs [R, N - width[L-1]] (outputs of layers 0..L-2) and last [R, width[L-1]].
void chain_forward(torch::Tensor& p, const LaterBlock& later,
                   const std::vector<std::int64_t>& width, torch::Tensor& hs, torch::Tensor& last);

// The same layers, each reading all earlier outputs at once: earlier(k),
// k >= 1, is layer k's block of weights for the outputs of layers 0..k-1,
// [offset of layer k, width[k]]. The same products in another shape: the
// inner dimension grows with k instead of being one layer's width, which
// suits the matrix kernels better. On a CPU with AVX-512 the products run
// in models/panel_gemm.h's kernel, from `panels` (panels[k] = earlier(k)
// packed, k >= 1: inference's cache) or packed here.
void chain_forward_pull(torch::Tensor& p, const LaterBlock& earlier,
                        const std::vector<std::int64_t>& width, torch::Tensor& hs,
                        torch::Tensor& last, const std::vector<PackedPanels>* panels = nullptr);

// From the gradient of `last`: returns the gradient of every layer's
// pre-activation [R, N], and writes later(k)'s gradient into the tensor
// grad_later(k) returns (same shape; it may be a view).
torch::Tensor chain_backward(const torch::Tensor& grad_last, const torch::Tensor& hs,
                             const torch::Tensor& last, const LaterBlock& later,
                             const LaterBlock& grad_later, const std::vector<std::int64_t>& width);

}  // namespace npeps
