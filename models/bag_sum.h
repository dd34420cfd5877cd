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

}  // namespace npeps
