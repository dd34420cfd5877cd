// Report arithmetic of `npeps bench`, on plain rows so it can be checked
// by hand: success rates with Wilson score intervals, holdout (overfitting)
// counts and success-versus-time curves.
#pragma once

#include <cstddef>
#include <vector>

#include "bench/bench_row.h"

namespace npeps {

inline constexpr double kZ95 = 1.959963984540054;  // two-sided 95% normal quantile

struct Interval {
  double lo = 0, hi = 0;  // fractions in [0, 1]
};

// Two methods on the same tasks: how many each solved that the other did
// not, and the exact two-sided McNemar (binomial sign) test's p-value for
// "they solve equally often".
struct Paired {
  std::size_t only_a = 0, only_b = 0;
  double p_value = 1.0;
};
// Pairs rows by task index; tasks missing from either side are ignored.
Paired paired_comparison(const std::vector<BenchRow>& a, const std::vector<BenchRow>& b);
// P(X <= k or X >= n - k), X ~ Binomial(n, 1/2), for k = min(x, y), n = x + y; 1 when n == 0.
double mcnemar_exact_p(std::size_t x, std::size_t y);

// Wilson score interval for `successes` out of `n` trials; [0, 1] when n == 0.
Interval wilson_interval(std::size_t successes, std::size_t n, double z = kZ95);

// Counts over a set of rows (usually one method's, possibly one length's).
struct Tally {
  std::size_t tasks = 0;            // rows counted
  std::size_t solved = 0;           // rows solved (re-check passed)
  std::size_t recheck_failed = 0;   // rows whose returned program failed the re-check
  std::size_t errors = 0;           // rows whose solver threw
  std::size_t holdout_checked = 0;  // solved rows with a holdout verdict
  std::size_t holdout_ok = 0;       // of those, right on the hidden examples too
  std::size_t nodes = 0;            // sum of nodes
  std::size_t checks = 0;           // sum of lookahead checks
  std::size_t model_calls = 0;      // sum of model calls

  double rate() const {
    return tasks ? static_cast<double>(solved) / static_cast<double>(tasks) : 0.0;
  }
  Interval interval() const { return wilson_interval(solved, tasks); }
  // Fraction of solved-and-checked rows that fail the hidden examples.
  double overfit_rate() const {
    return holdout_checked ? static_cast<double>(holdout_checked - holdout_ok) /
                                 static_cast<double>(holdout_checked)
                           : 0.0;
  }
};

Tally tally(const std::vector<BenchRow>& rows);

struct CurvePoint {
  double t = 0;         // seconds
  double fraction = 0;  // of all rows, solved within t seconds
};

// The step function "fraction of rows solved by time t": one point per
// distinct solve time, ascending, each with the fraction solved at or
// before it. Empty when nothing is solved or rows is empty.
std::vector<CurvePoint> success_curve(const std::vector<BenchRow>& rows);

// Fraction of rows solved within t seconds.
double fraction_solved_by(const std::vector<BenchRow>& rows, double t);

// Median of the solved rows' times; 0 when none are solved.
double median_solve_time(const std::vector<BenchRow>& rows);

}  // namespace npeps
