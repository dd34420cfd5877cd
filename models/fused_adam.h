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

// Keeps freed memory in the process (no return of large blocks to the OS
// and page faults on the next step): training allocates the same tensor
// sizes every step. Process-wide; called by the trainers.
void keep_freed_memory();

}  // namespace npeps
