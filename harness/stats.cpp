#include "harness/stats.h"

#include <algorithm>
#include <cmath>

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
