#include "models/pccoder_policy.h"

#include "models/checkpoint.h"
#include "models/heap.h"
#include "models/pccoder_module.h"

namespace npeps {

PCCoderPolicy::PCCoderPolicy(PCCoderNet net, const PCCoderPolicyOptions& options)
    : net_(std::move(net)) {
  keep_freed_memory();
  set_torch_threads(options.threads);
  if (options.use_cuda && !net_.on_cuda() && torch::cuda::is_available()) {
    net_.impl().device = torch::Device(torch::kCUDA);
    net_.impl().module->to(net_.impl().device);
  }
  net_.impl().module->eval();
}

PCCoderPolicy::~PCCoderPolicy() = default;

void PCCoderPolicy::evaluate(std::span<const PartialProgram> batch, PolicyOutput& out) {
  const std::size_t n = batch.size();
  out.statement_logprob.resize(n * kNumStatements);
  out.drop_logit.resize(n * kNumSlots);
  if (n == 0) return;
  encode_batch(batch, encoded_);
  torch::InferenceMode guard;
  auto& impl = net_.impl();
  auto [tokens, counts] = to_tensors(encoded_, impl.device);
  const auto o = impl.module->forward(tokens, counts);
  const torch::Tensor logp = torch::log_softmax(o.statement, 1).to(torch::kCPU).contiguous();
  const torch::Tensor drop = o.drop.to(torch::kCPU).contiguous();
  std::copy_n(logp.data_ptr<float>(), n * kNumStatements, out.statement_logprob.data());
  std::copy_n(drop.data_ptr<float>(), n * kNumSlots, out.drop_logit.data());
}

std::unique_ptr<Policy> load_policy(const std::string& checkpoint_path, int threads) {
  LoadedModel m = load_checkpoint(checkpoint_path);
  PCCoderPolicyOptions o;
  o.threads = threads;
  return std::make_unique<PCCoderPolicy>(std::move(m.net), o);
}

}  // namespace npeps
