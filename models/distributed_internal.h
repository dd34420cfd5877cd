// INTERNAL to models/: the tensor collectives of data-parallel training
// (torch). Each is one Gloo call on one flattened buffer.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "models/distributed.h"

namespace npeps {

// Sets every trainable parameter's gradient to the sum over ranks of
// `weight` x that rank's gradient (an undefined gradient counts as zero).
// With weight = (this rank's loss terms) / (the global batch's), a mean
// loss over each rank's slice becomes the mean over the global batch.
void allreduce_gradients(ProcessGroup& group, const std::vector<torch::Tensor>& parameters,
                         double weight);

// Copies rank 0's parameter values to every rank.
void broadcast_parameters(ProcessGroup& group, const std::vector<torch::Tensor>& parameters);

}  // namespace npeps
