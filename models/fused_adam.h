// INTERNAL to models/: one Adam step as a single pass over each parameter
// (torch).
//
// torch::optim::Adam::step() runs about seven tensor operations per
// parameter, each a full pass over memory; on the PCCoder network (1.1 M
// parameters, batch 100) that was a sixth of a training step. This does the
// same update (torch 1.13's formula, no weight decay, no AMSGrad) in one
// loop per parameter, reading and writing the optimizer's own state, so
// checkpoints and resume are unchanged. Falls back to adam.step() for
// CUDA tensors, other dtypes or options it does not cover.
#pragma once

#include <torch/torch.h>

namespace npeps {

void fused_adam_step(torch::optim::Adam& adam);

// Drops every parameter's gradient (torch's "set to none") instead of
// zeroing it: the next backward pass then hands each parameter its fresh
// gradient rather than adding it to zeros, two passes over memory fewer per
// parameter. An optimizer skips a parameter left without a gradient, so use
// it only where every parameter gets one each step (or an all-reduce fills
// the missing ones with zeros, as models/distributed.h does).
void clear_gradients(torch::optim::Optimizer& optimizer);

}  // namespace npeps
