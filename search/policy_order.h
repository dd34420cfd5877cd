// The enumerator's operator order from a policy (DeepCoder's "sort and
// add" idea in its simplest form): operators ranked by the policy's
// probability of their best statement at the task's initial state.
#pragma once

#include <span>
#include <vector>

#include "dsl/program.h"
#include "search/policy.h"

namespace npeps {

// Every operator id once, the policy's likeliest first (ties by id). One
// policy call on the initial state of `examples` (which must share input
// count and types, as for any search).
std::vector<OperatorId> operators_by_policy(const std::vector<Example>& examples, Policy& policy);

// `order` with the operators that `programs` use moved to the front, the
// most used (counted over their statements) leading, ties kept in
// `order`'s order; the other operators follow in `order`'s order. The
// N-PEPS methods rank the enumerator's operators this way by their PE
// solutions (api/npeps_solver.cpp): a program that satisfies one example
// often shares its operators with one that satisfies them all. `order`
// must be a permutation of the operator ids.
std::vector<OperatorId> used_operators_first(std::span<const Program> programs,
                                             const std::vector<OperatorId>& order);

// The operators that `programs` use, each once, the most used (counted over
// their statements) first, ties by id.
std::vector<OperatorId> operators_used(std::span<const Program> programs);

// A hedge between two operator orders: their entries alternate, `first`'s
// leading, each operator at its first appearance. An operator at position
// p in either order lands at position 2p+1 or earlier. That bounds ranks,
// not nodes: the subtrees of different operators differ widely in cost (a
// MAP or ZIPWITH family against HEAD or SUM), and the operators the other
// order moves ahead may be the costly ones. Measured on one held-out task
// (10 examples, length 6, first statement SORT), the policy's order
// interleaved with id order took 97.4 M nodes where id order took 14.3 M,
// and the first statement's order alone accounted for it. Both must be
// permutations of the operator ids.
std::vector<OperatorId> interleave_orders(const std::vector<OperatorId>& first,
                                          const std::vector<OperatorId>& second);

// The operator ids in id order: the enumerator's own order.
std::vector<OperatorId> id_order();

}  // namespace npeps
