#include "models/aggregator_policy.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace npeps {

AggregatorPolicy::AggregatorPolicy(PCCoderNet& global, CrossAggregator* aggregator,
                                   PCCoderNet* key_encoder, const AggregatorPolicyOptions& options)
    : global_(global), aggregator_(aggregator), key_encoder_(key_encoder), options_(options) {
  if (!(options.alpha >= 0 && options.alpha <= 1))
    throw std::invalid_argument("aggregator policy: alpha must be in [0, 1]");
  if (options.aggregation == Aggregation::CrossAttention) {
    if (!aggregator || !key_encoder)
      throw std::invalid_argument(
          "aggregator policy: cross attention needs the aggregator and the key encoder");
    const int d = aggregator->options().d_model;
    if (global.options().hidden_dim != d || key_encoder->options().hidden_dim != d)
      throw std::invalid_argument(
          "aggregator policy: the global model's and the key encoder's hidden_dim must equal the "
          "aggregator's d_model (" +
          std::to_string(d) + ")");
  }
}

void AggregatorPolicy::set_solutions(const std::vector<Example>& examples,
                                     std::span<const PEProgram> solutions) {
  step_statements_.clear();
  if (options_.aggregation == Aggregation::CrossAttention) {
    keys_ = make_aggregator_keys(examples, solutions, *key_encoder_);
    aggregator_->set_keys(keys_);
    return;
  }
  for (const PEProgram& s : solutions) {
    const std::vector<StatementIndex> st = slot_form_statements(s.program);
    if (step_statements_.size() < st.size()) step_statements_.resize(st.size());
    for (std::size_t d = 0; d < st.size(); ++d) step_statements_[d].push_back(st[d]);
  }
}

void AggregatorPolicy::evaluate(std::span<const PartialProgram> batch, PolicyOutput& out) {
  const std::size_t n = batch.size();
  out.statement_logprob.resize(n * kNumStatements);
  out.drop_logit.resize(n * kNumSlots);
  if (n == 0) return;
  encode_batch(batch, encoded_);
  const bool attention = options_.aggregation == Aggregation::CrossAttention;
  global_.embed(encoded_, embedding_, &global_out_);
  std::copy_n(global_out_.drop_logits.data(), n * kNumSlots, out.drop_logit.data());
  const bool have_keys = attention && aggregator_->num_keys() > 0;
  if (have_keys) {
    depths_.resize(n);
    for (std::size_t i = 0; i < n; ++i) depths_[i] = batch[i].depth;
    aggregator_->predict(embedding_, depths_, ca_logits_);
  }
  // In log space, vectorised over the whole batch (torch's kernels):
  //   log p = logaddexp(log(1 - alpha) + log_softmax(global),
  //                     log(alpha) + log_softmax(aggregate)).
  torch::InferenceMode guard;
  const double a = options_.alpha;
  const auto rows = [n](float* p) {
    return torch::from_blob(p, {static_cast<int64_t>(n), kNumStatements});
  };
  torch::Tensor lp = rows(out.statement_logprob.data());
  torch::log_softmax_out(lp, rows(global_out_.statement_logits.data()), 1);
  if (have_keys) {
    torch::Tensor la = torch::log_softmax(rows(ca_logits_.data()), 1);
    lp.add_(std::log1p(-a));
    la.add_(std::log(a));
    torch::logaddexp_out(lp, lp, la);
    return;
  }
  if (attention) return;  // no PE solution: the global policy alone
  // Sum / Mean: the aggregate is nonzero on the few statements the PE
  // programs have at the entry's depth; everywhere else p = (1 - a) p_global.
  const double log_rest = std::log1p(-a);
  for (std::size_t i = 0; i < n; ++i) {
    const int d = batch[i].depth;
    if (d < 0 || static_cast<std::size_t>(d) >= step_statements_.size() ||
        step_statements_[d].empty())
      continue;
    float* row = out.statement_logprob.data() + i * kNumStatements;
    const auto& st = step_statements_[d];
    const double w = options_.aggregation == Aggregation::Mean ? 1.0 / st.size() : 1.0;
    mix_.assign(kNumStatements, 0.0);
    for (StatementIndex s : st) mix_[s] += w;
    for (int s = 0; s < kNumStatements; ++s) {
      if (mix_[s] > 0) {
        const double p = a * mix_[s] + (1 - a) * std::exp(static_cast<double>(row[s]));
        row[s] = static_cast<float>(std::log(p));
      } else {
        row[s] = a < 1 ? static_cast<float>(row[s] + log_rest) : -INFINITY;
      }
    }
  }
}

}  // namespace npeps
