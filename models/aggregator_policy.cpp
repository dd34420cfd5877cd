#include "models/aggregator_policy.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace npeps {
namespace {

// Softmax of one row of logits into `p` (double).
void softmax(const float* logits, int n, double* p) {
  double mx = -INFINITY;
  for (int i = 0; i < n; ++i) mx = std::max(mx, static_cast<double>(logits[i]));
  double z = 0;
  for (int i = 0; i < n; ++i) z += p[i] = std::exp(logits[i] - mx);
  for (int i = 0; i < n; ++i) p[i] /= z;
}

}  // namespace

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
  const double a = options_.alpha;
  mix_.resize(2 * kNumStatements);
  double* pg = mix_.data();
  double* pa = mix_.data() + kNumStatements;
  for (std::size_t i = 0; i < n; ++i) {
    softmax(global_out_.statement_logits.data() + i * kNumStatements, kNumStatements, pg);
    bool aggregate = false;
    if (have_keys) {
      softmax(ca_logits_.data() + i * kNumStatements, kNumStatements, pa);
      aggregate = true;
    } else if (!attention) {
      const int d = batch[i].depth;
      if (d >= 0 && static_cast<std::size_t>(d) < step_statements_.size() &&
          !step_statements_[d].empty()) {
        std::fill(pa, pa + kNumStatements, 0.0);
        const auto& st = step_statements_[d];
        const double w = options_.aggregation == Aggregation::Mean ? 1.0 / st.size() : 1.0;
        for (StatementIndex s : st) pa[s] += w;
        aggregate = true;
      }
    }
    float* lp = out.statement_logprob.data() + i * kNumStatements;
    for (int s = 0; s < kNumStatements; ++s) {
      const double p = aggregate ? a * pa[s] + (1 - a) * pg[s] : pg[s];
      lp[s] = p > 0 ? static_cast<float>(std::log(p)) : -INFINITY;
    }
  }
}

}  // namespace npeps
