// How often each function and each operator (function with its lambda)
// occurs in a set of programs: the measure behind the generator's
// `balanced` option (datasets/op_balance.h) and `npeps generate --stats`.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "datasets/task.h"

namespace npeps {

struct OpHistogram {
  std::array<std::size_t, kNumOperators> ops{};  // statements per operator id
  std::size_t statements = 0;

  void add(const Program& p);
  std::size_t function_count(Function f) const;
  // max / min of the 15 functions' counts (infinity when one never occurs).
  double function_ratio() const;
  // max / min of the counts of f's lambdas (1 for a first-order function).
  double lambda_ratio(Function f) const;
  // The largest lambda_ratio over the five higher-order functions.
  double worst_lambda_ratio() const;
  // A few lines of text: each function's share, each higher-order
  // function's lambda counts, and the ratios above.
  std::string format() const;
};

// The histogram of the tasks' reference programs (tasks without one are skipped).
OpHistogram op_histogram(const std::vector<Task>& tasks);

}  // namespace npeps
