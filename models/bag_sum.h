// INTERNAL to models/: out[r] = sum over k of table[index[r][k]] (torch),
// with a gradient for the table. torch's embedding_bag does the same but
// its CPU backward sorts the indices first, which made it the slowest part
// of a training step; here both directions are plain loops (CUDA tensors
// go to embedding_bag).
#pragma once

#include <torch/torch.h>

namespace npeps {

// table [N, W] float, index [R, K] int64 with values in [0, N) -> [R, W].
torch::Tensor bag_sum(const torch::Tensor& table, const torch::Tensor& index);

// The two loops on raw rows of width w (also used by models/dense_block.h):
// out[r] = sum_j table[index[r * k + j]], and grad_table[index[r * k + j]] +=
// grad[r].
void gather_sum(const float* table, const std::int64_t* index, std::int64_t rows, std::int64_t k,
                std::int64_t w, float* out);
void scatter_add(const float* grad, const std::int64_t* index, std::int64_t rows, std::int64_t k,
                 std::int64_t w, float* grad_table);

}  // namespace npeps
