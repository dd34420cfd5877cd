// INTERNAL to models/: checkpoint I/O with optimizer state (torch types).
#pragma once

#include <torch/torch.h>

#include "models/checkpoint.h"

namespace npeps {

// save_checkpoint, also storing `optimizer`'s state when not null.
void save_checkpoint(const std::string& path, const PCCoderNet& net, CheckpointHeader header,
                     const torch::optim::Optimizer* optimizer);

// Restores the optimizer state stored in a checkpoint into `optimizer`,
// which must have been built over the parameters of the network loaded from
// the same file. Throws CheckpointError (also when the file has none).
void load_optimizer_state(const std::string& path, torch::optim::Optimizer& optimizer);

}  // namespace npeps
