// The search's Policy backed by a PCCoder network. Torch-free interface.
#pragma once

#include <memory>
#include <string>

#include "models/pccoder_net.h"
#include "search/policy.h"

namespace npeps {

struct PCCoderPolicyOptions {
  // torch intra-op threads for the forward pass (process-wide setting; see
  // set_torch_threads). <= 0 leaves torch's current setting.
  int threads = 1;
  bool use_cuda = false;  // run on CUDA when this libtorch has it
};

// Scores a batch of partial programs with one forward pass: log-softmax
// statement scores over the 1,298 statements and raw drop logits (higher =
// more droppable). Not thread-safe: use one instance per thread.
class PCCoderPolicy final : public Policy {
 public:
  explicit PCCoderPolicy(PCCoderNet net, const PCCoderPolicyOptions& options = {});
  ~PCCoderPolicy() override;

  void evaluate(std::span<const PartialProgram> batch, PolicyOutput& out) override;
  const PCCoderNet& net() const { return net_; }

 private:
  PCCoderNet net_;
  EncodedBatch encoded_;  // reused across calls
};

// Loads a checkpoint (models/checkpoint.h) as a policy. Throws
// CheckpointError when the file is missing, corrupt or incompatible.
std::unique_ptr<Policy> load_policy(const std::string& checkpoint_path, int threads = 1);

}  // namespace npeps
