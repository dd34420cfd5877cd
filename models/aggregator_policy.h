// The policy of N-PEPS's global search: the global model's statement
// distribution mixed with an aggregate of the PE solutions,
//   p = alpha * p_agg + (1 - alpha) * p_global,
// with the global model's drop scores. Aggregates:
//  - CrossAttention: p_agg = softmax of the cross aggregator (N-PEPS, or
//    N-PEPS+U when the aggregator was trained with use_scores);
//  - Sum (Sum-PEPS): p_agg[s] = number of PE programs whose statement at
//    the entry's depth is s (not normalised, as in the reference code);
//  - Mean (Mean-PEPS): that count divided by the number of PE programs
//    that have a statement at that depth (a distribution).
// When there is nothing to aggregate for an entry (no keys; no PE program
// that long) the entry gets p_global alone. Depth is the beam entry's own
// (PartialProgram::depth), so nothing carries over between searches.
// Torch-free interface.
#pragma once

#include <span>
#include <vector>

#include "models/aggregator_keys.h"
#include "models/cross_aggregator.h"
#include "models/encoding.h"
#include "models/pccoder_net.h"
#include "search/policy.h"

namespace npeps {

enum class Aggregation { CrossAttention, Sum, Mean };

struct AggregatorPolicyOptions {
  double alpha = 0.8;  // weight of the aggregate in the mixture, in [0, 1] (N-PEPS: 0.8)
  Aggregation aggregation = Aggregation::CrossAttention;
};

// Not thread-safe: one per search thread. Borrows the networks, which must
// outlive it.
class AggregatorPolicy final : public Policy {
 public:
  // `aggregator` and `key_encoder` are needed (non-null) for CrossAttention
  // only. Throws std::invalid_argument on a missing network, alpha outside
  // [0, 1] or mismatched widths.
  AggregatorPolicy(PCCoderNet& global, CrossAggregator* aggregator, PCCoderNet* key_encoder,
                   const AggregatorPolicyOptions& options = {});

  // The PE solutions of the task about to be searched (keys are built and
  // embedded here, once per task).
  void set_solutions(const std::vector<Example>& examples, std::span<const PEProgram> solutions);

  void evaluate(std::span<const PartialProgram> batch, PolicyOutput& out) override;

  // The aggregate distribution's input of the last set_solutions() (tests).
  const AggregatorKeys& keys() const { return keys_; }

 private:
  PCCoderNet& global_;
  CrossAggregator* aggregator_;
  PCCoderNet* key_encoder_;
  AggregatorPolicyOptions options_;

  AggregatorKeys keys_;
  // Sum/Mean: for each depth, each PE program's slot-form statement there.
  std::vector<std::vector<StatementIndex>> step_statements_;

  EncodedBatch encoded_;
  NetOutput global_out_;
  std::vector<float> embedding_, ca_logits_;
  std::vector<int> depths_;
  std::vector<double> mix_;  // Sum/Mean: one row of the aggregate
};

}  // namespace npeps
