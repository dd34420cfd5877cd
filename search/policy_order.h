// The enumerator's operator order from a policy (DeepCoder's "sort and
// add" idea in its simplest form): operators ranked by the policy's
// probability of their best statement at the task's initial state.
#pragma once

#include <vector>

#include "dsl/program.h"
#include "search/policy.h"

namespace npeps {

// Every operator id once, the policy's likeliest first (ties by id). One
// policy call on the initial state of `examples` (which must share input
// count and types, as for any search).
std::vector<OperatorId> operators_by_policy(const std::vector<Example>& examples, Policy& policy);

}  // namespace npeps
