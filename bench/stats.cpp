#include "bench/stats.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace npeps {

Interval wilson_interval(std::size_t successes, std::size_t n, double z) {
  if (n == 0) return {0.0, 1.0};
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(successes) / nn;
  const double z2 = z * z;
  const double denom = 1.0 + z2 / nn;
  const double centre = (p + z2 / (2.0 * nn)) / denom;
  const double half = z * std::sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn)) / denom;
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

double mcnemar_exact_p(std::size_t x, std::size_t y) {
  const std::size_t n = x + y, k = std::min(x, y);
  if (n == 0) return 1.0;
  // Sum of C(n, i) / 2^n for i <= k, in logs to stay finite for large n.
  double tail = 0;
  for (std::size_t i = 0; i <= k; ++i)
    tail += std::exp(std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1.0) -
                     static_cast<double>(n) * std::log(2.0));
  return std::min(1.0, 2.0 * tail);
}

Paired paired_comparison(const std::vector<BenchRow>& a, const std::vector<BenchRow>& b) {
  std::map<std::size_t, bool> solved_b;
  for (const BenchRow& r : b) solved_b[r.index] = r.solved;
  Paired p;
  for (const BenchRow& r : a) {
    const auto it = solved_b.find(r.index);
    if (it == solved_b.end()) continue;
    p.only_a += r.solved && !it->second;
    p.only_b += !r.solved && it->second;
  }
  p.p_value = mcnemar_exact_p(p.only_a, p.only_b);
  return p;
}

Tally tally(const std::vector<BenchRow>& rows) {
  Tally t;
  for (const BenchRow& r : rows) {
    ++t.tasks;
    t.solved += r.solved;
    t.recheck_failed += r.recheck_failed;
    t.errors += !r.error.empty();
    if (r.solved && r.holdout_ok) {
      ++t.holdout_checked;
      t.holdout_ok += *r.holdout_ok;
    }
    t.nodes += r.nodes;
    t.checks += r.checks;
    t.model_calls += r.model_calls;
  }
  return t;
}

namespace {

std::vector<double> solve_times(const std::vector<BenchRow>& rows) {
  std::vector<double> times;
  for (const BenchRow& r : rows)
    if (r.solved) times.push_back(r.time_s);
  std::sort(times.begin(), times.end());
  return times;
}

}  // namespace

std::vector<CurvePoint> success_curve(const std::vector<BenchRow>& rows) {
  std::vector<CurvePoint> points;
  const std::vector<double> times = solve_times(rows);
  const double n = static_cast<double>(rows.size());
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (i + 1 < times.size() && times[i + 1] == times[i]) continue;  // one point per distinct time
    points.push_back({times[i], static_cast<double>(i + 1) / n});
  }
  return points;
}

double fraction_solved_by(const std::vector<BenchRow>& rows, double t) {
  if (rows.empty()) return 0.0;
  std::size_t k = 0;
  for (const BenchRow& r : rows) k += r.solved && r.time_s <= t;
  return static_cast<double>(k) / static_cast<double>(rows.size());
}

double median_solve_time(const std::vector<BenchRow>& rows) {
  const std::vector<double> times = solve_times(rows);
  if (times.empty()) return 0.0;
  const std::size_t m = times.size() / 2;
  return times.size() % 2 ? times[m] : (times[m - 1] + times[m]) / 2.0;
}

}  // namespace npeps
