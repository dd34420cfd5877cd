#include "search/policy_order.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "dsl/statement_space.h"
#include "search/slot_state.h"

namespace npeps {

std::vector<OperatorId> operators_by_policy(const std::vector<Example>& examples, Policy& policy) {
  SlotArena root;
  root.reset(static_cast<int>(examples.size()), 1);
  root.push_root(examples);
  std::vector<Value> outputs;
  outputs.reserve(examples.size());
  for (const Example& e : examples) outputs.push_back(e.output);
  const PartialProgram state = root.view(0, outputs, 0);
  PolicyOutput out;
  policy.evaluate(std::span<const PartialProgram>(&state, 1), out);

  std::vector<float> best(kNumOperators, -std::numeric_limits<float>::infinity());
  for (int s = 0; s < kNumStatements; ++s) {
    const float lp = out.statement_logprob[static_cast<std::size_t>(s)];
    float& b = best[static_cast<std::size_t>(operator_of(static_cast<StatementIndex>(s)))];
    if (!std::isnan(lp)) b = std::max(b, lp);
  }
  std::vector<OperatorId> order(kNumOperators);
  std::iota(order.begin(), order.end(), OperatorId{0});
  std::stable_sort(order.begin(), order.end(), [&](OperatorId a, OperatorId b) {
    return best[static_cast<std::size_t>(a)] > best[static_cast<std::size_t>(b)];
  });
  return order;
}

}  // namespace npeps
