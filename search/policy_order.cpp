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
  std::vector<OperatorId> order = id_order();
  std::stable_sort(order.begin(), order.end(), [&](OperatorId a, OperatorId b) {
    return best[static_cast<std::size_t>(a)] > best[static_cast<std::size_t>(b)];
  });
  return order;
}

namespace {

// How many statements of `programs` use each operator, by id.
std::vector<int> operator_uses(std::span<const Program> programs) {
  std::vector<int> uses(kNumOperators, 0);
  for (const Program& p : programs)
    for (const Statement& s : p.statements)
      if (s.op < kNumOperators) uses[s.op] += 1;
  return uses;
}

}  // namespace

std::vector<OperatorId> used_operators_first(std::span<const Program> programs,
                                             const std::vector<OperatorId>& order) {
  const std::vector<int> uses = operator_uses(programs);
  std::vector<OperatorId> out = order;
  std::stable_sort(out.begin(), out.end(),
                   [&](OperatorId a, OperatorId b) { return uses[a] > uses[b]; });
  return out;
}

std::vector<OperatorId> operators_used(std::span<const Program> programs) {
  const std::vector<int> uses = operator_uses(programs);
  std::vector<OperatorId> out;
  for (const OperatorId id : id_order())
    if (uses[id] > 0) out.push_back(id);
  std::stable_sort(out.begin(), out.end(),
                   [&](OperatorId a, OperatorId b) { return uses[a] > uses[b]; });
  return out;
}

std::vector<OperatorId> interleave_orders(const std::vector<OperatorId>& first,
                                          const std::vector<OperatorId>& second) {
  std::vector<OperatorId> out;
  out.reserve(first.size());
  std::vector<bool> taken(first.size(), false);
  const auto take = [&](OperatorId id) {
    const auto k = static_cast<std::size_t>(id);
    if (k < taken.size() && !taken[k]) {
      taken[k] = true;
      out.push_back(id);
    }
  };
  for (std::size_t i = 0; i < std::max(first.size(), second.size()); ++i) {
    if (i < first.size()) take(first[i]);
    if (i < second.size()) take(second[i]);
  }
  return out;
}

std::vector<OperatorId> id_order() {
  std::vector<OperatorId> order(kNumOperators);
  std::iota(order.begin(), order.end(), OperatorId{0});
  return order;
}

}  // namespace npeps
