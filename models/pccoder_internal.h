// INTERNAL to models/: torch-level access to a PCCoder network's parts,
// for the cross aggregator (its query and key encoder is a frozen PCCoder
// network, its output layer starts from the statement head).
#pragma once

#include <string>

#include "models/pccoder_module.h"

namespace npeps {

// The state embedding the heads read: [B, hidden_dim] for tokens
// [B,E,12,21] and counts [B] (as PCCoderModuleImpl::forward takes them).
// Gradients flow when not in inference mode.
torch::Tensor pccoder_embedding(PCCoderModuleImpl& m, const NetOptions& o,
                                const torch::Tensor& tokens, const torch::Tensor& counts);

// The same, computed the slow way the network is written
// (models/state_encoder.h): for tests.
torch::Tensor pccoder_embedding_reference(PCCoderModuleImpl& m, const NetOptions& o,
                                          const torch::Tensor& tokens, const torch::Tensor& counts);

// A head of the network by name: "statement_head", "drop_head" or "operator_head".
torch::nn::Linear pccoder_head(PCCoderModuleImpl& m, const std::string& name);

}  // namespace npeps
