// Tasks with more examples than one search takes (kMaxExamples,
// dsl/examples_check.h): the method searches a subset of kMaxExamples of
// them, the program it returns is checked on every example, and when one
// fails the method searches again with that example in the subset, within
// the same budget (counterexample-guided refinement).
#pragma once

#include <vector>

#include "api/solver.h"

namespace npeps {

// solver.solve(examples, limits) when there are at most kMaxExamples
// examples. Otherwise the first kMaxExamples, then the first failing
// example in place of one of them (the last original example still in the
// subset, or once none is left the oldest counterexample) until the program satisfies
// every example, a search comes back unsolved, the budget (deadline, node
// budget or cancel flag) is spent, or 2 * examples.size() searches ran.
// The result's program satisfies every example, or is empty.
SearchResult solve_on_subsets(Solver& solver, const std::vector<Example>& examples,
                              const SearchLimits& limits);

}  // namespace npeps
