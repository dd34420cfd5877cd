// Report arithmetic on hand-made rows: rates, Wilson intervals (values
// computed by hand from the formula), curve points, holdout counts and the
// summary built from them.
#include "bench/stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "bench/bench_row.h"
#include "bench/report.h"

namespace npeps {
namespace {

BenchRow row(std::size_t index, const std::string& method, bool solved, double t, int len = 4) {
  BenchRow r;
  r.task = "t" + std::to_string(index);
  r.index = index;
  r.ref_len = len;
  r.method = method;
  r.solved = solved;
  r.time_s = t;
  r.nodes = 10 * (index + 1);
  return r;
}

TEST(WilsonInterval, MatchesHandComputedValues) {
  // 8/10, z = 1.96: centre (0.8 + 0.19208) / 1.38416 = 0.716744,
  // half 1.96 * sqrt(0.016 + 0.009604) / 1.38416 = 0.226581.
  Interval ci = wilson_interval(8, 10, 1.96);
  EXPECT_NEAR(ci.lo, 0.490157, 1e-5);
  EXPECT_NEAR(ci.hi, 0.943319, 1e-5);
  // 0/10: lower bound 0, upper z^2/n / (1 + z^2/n) = 0.38416 / 1.38416.
  ci = wilson_interval(0, 10, 1.96);
  EXPECT_NEAR(ci.lo, 0.0, 1e-12);
  EXPECT_NEAR(ci.hi, 0.277540, 1e-5);
  // 10/10 mirrors 0/10.
  ci = wilson_interval(10, 10, 1.96);
  EXPECT_NEAR(ci.lo, 1.0 - 0.277540, 1e-5);
  EXPECT_NEAR(ci.hi, 1.0, 1e-12);
  // 1/2, z = 1.96: centre 0.5, half 1.96 * sqrt(0.125 + 0.2401) / 2.9208 = 0.405471.
  ci = wilson_interval(1, 2, 1.96);
  EXPECT_NEAR(ci.lo, 0.5 - 0.405471, 1e-5);
  EXPECT_NEAR(ci.hi, 0.5 + 0.405471, 1e-5);
  // No trials: the whole range.
  ci = wilson_interval(0, 0);
  EXPECT_EQ(ci.lo, 0.0);
  EXPECT_EQ(ci.hi, 1.0);
  // The default z is the exact 95% quantile, a hair below 1.96.
  EXPECT_LT(wilson_interval(8, 10).hi, wilson_interval(8, 10, 1.96).hi);
  EXPECT_GT(wilson_interval(8, 10).hi, 0.9433);
}

TEST(Tally, CountsRatesAndHoldout) {
  std::vector<BenchRow> rows = {row(0, "m", true, 0.5), row(1, "m", false, 1.0),
                                row(2, "m", true, 0.2), row(3, "m", true, 0.9)};
  rows[1].recheck_failed = true;
  rows[0].holdout_ok = true;
  rows[2].holdout_ok = false;
  rows[3].holdout_ok = true;
  rows[1].holdout_ok = false;  // unsolved: must not count in the holdout
  const Tally t = tally(rows);
  EXPECT_EQ(t.tasks, 4u);
  EXPECT_EQ(t.solved, 3u);
  EXPECT_DOUBLE_EQ(t.rate(), 0.75);
  EXPECT_EQ(t.recheck_failed, 1u);
  EXPECT_EQ(t.holdout_checked, 3u);
  EXPECT_EQ(t.holdout_ok, 2u);
  EXPECT_DOUBLE_EQ(t.overfit_rate(), 1.0 / 3.0);
  EXPECT_EQ(t.nodes, 10u + 20 + 30 + 40);
  EXPECT_EQ(tally({}).rate(), 0.0);
}

TEST(SuccessCurve, StepPointsAtDistinctSolveTimes) {
  const std::vector<BenchRow> rows = {row(0, "m", true, 0.3), row(1, "m", false, 2.0),
                                      row(2, "m", true, 0.1), row(3, "m", true, 0.3),
                                      row(4, "m", true, 1.5)};
  const std::vector<CurvePoint> c = success_curve(rows);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_DOUBLE_EQ(c[0].t, 0.1);
  EXPECT_DOUBLE_EQ(c[0].fraction, 0.2);
  EXPECT_DOUBLE_EQ(c[1].t, 0.3);
  EXPECT_DOUBLE_EQ(c[1].fraction, 0.6);  // two tasks at 0.3 make one point
  EXPECT_DOUBLE_EQ(c[2].t, 1.5);
  EXPECT_DOUBLE_EQ(c[2].fraction, 0.8);
  EXPECT_DOUBLE_EQ(fraction_solved_by(rows, 0.05), 0.0);
  EXPECT_DOUBLE_EQ(fraction_solved_by(rows, 0.3), 0.6);
  EXPECT_DOUBLE_EQ(fraction_solved_by(rows, 10.0), 0.8);  // the unsolved one never counts
  EXPECT_DOUBLE_EQ(median_solve_time(rows), (0.3 + 0.3) / 2);
  EXPECT_TRUE(success_curve({row(0, "m", false, 1.0)}).empty());
}

TEST(SortRows, CanonicalOrderAndDuplicatesDropped) {
  std::vector<BenchRow> rows = {row(2, "b", true, 0), row(0, "b", true, 0), row(2, "a", true, 0),
                                row(0, "a", false, 0), row(0, "b", false, 9)};
  sort_rows(rows, {"b", "a"});
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].index, 0u);
  EXPECT_EQ(rows[0].method, "b");
  EXPECT_TRUE(rows[0].solved);  // the first of the duplicates is kept
  EXPECT_EQ(rows[1].method, "a");
  EXPECT_EQ(rows[2].index, 2u);
  EXPECT_EQ(rows[2].method, "b");
  EXPECT_EQ(rows[3].method, "a");
}

TEST(BenchRowJson, RoundTrips) {
  BenchRow r = row(7, "enum", true, 0.125, 5);
  r.program = "LIST|SORT,0";
  r.model_calls = 3;
  r.holdout_ok = false;
  r.recheck_failed = false;
  const BenchRow back = row_from_json(row_to_json(r));
  EXPECT_EQ(back.task, r.task);
  EXPECT_EQ(back.index, 7u);
  EXPECT_EQ(back.ref_len, 5);
  EXPECT_EQ(back.program, r.program);
  EXPECT_EQ(back.model_calls, 3u);
  EXPECT_EQ(back.holdout_ok, std::optional<bool>(false));
  EXPECT_DOUBLE_EQ(back.time_s, 0.125);
  BenchRow unknown = r;
  unknown.ref_len.reset();
  unknown.holdout_ok.reset();
  const nlohmann::json j = row_to_json(unknown);
  EXPECT_TRUE(j["ref_len"].is_null());
  EXPECT_FALSE(j.contains("holdout_ok"));
  EXPECT_FALSE(row_from_json(j).ref_len.has_value());
}

TEST(Summary, PerMethodAndPerLength) {
  const nlohmann::json config = {{"tasks", 4},      {"methods", {"a", "b"}}, {"timeout_s", 1.0},
                                 {"max_nodes", 0},  {"holdout", 1},          {"shard", "0/1"},
                                 {"source", "hand"}};
  std::vector<BenchRow> rows;
  for (std::size_t i = 0; i < 4; ++i) {
    rows.push_back(row(i, "a", i != 3, 0.1 * static_cast<double>(i + 1), i < 2 ? 4 : 8));
    rows.push_back(row(i, "b", i == 0, 0.5, i < 2 ? 4 : 8));
  }
  rows[0].holdout_ok = false;  // a solves task 0 but overfits
  rows[2].holdout_ok = true;
  rows[1].holdout_ok = true;  // b solves task 0 and generalises
  sort_rows(rows, {"a", "b"});
  const nlohmann::json s = summarize(config, rows);
  ASSERT_EQ(s["methods"].size(), 2u);
  const nlohmann::json& a = s["methods"][0];
  EXPECT_EQ(a["method"], "a");
  EXPECT_EQ(a["solved"], 3);
  EXPECT_DOUBLE_EQ(a["rate"].get<double>(), 0.75);
  EXPECT_EQ(a["by_length"]["4"]["solved"], 2);
  EXPECT_EQ(a["by_length"]["8"]["solved"], 1);
  EXPECT_EQ(a["by_length"]["8"]["rows"], 2);
  EXPECT_EQ(a["holdout"]["checked"], 2);
  EXPECT_EQ(a["holdout"]["ok"], 1);
  EXPECT_DOUBLE_EQ(a["holdout"]["overfit_rate"].get<double>(), 0.5);
  EXPECT_EQ(a["timing"]["curve"].size(), 3u);
  EXPECT_EQ(s["methods"][1]["solved"], 1);
  const Interval ci = wilson_interval(3, 4);
  EXPECT_NEAR(a["ci95"][0].get<double>(), ci.lo, 1e-6);
  const std::string md = markdown_report(config, rows);
  EXPECT_NE(md.find("| a | 3/4 | 75.0% |"), std::string::npos) << md;
  EXPECT_NE(md.find("| b | 1/4 | 25.0% |"), std::string::npos) << md;
  EXPECT_NE(md.find("L=8"), std::string::npos);
  EXPECT_NE(md.find("| a | 2 | 1 | 50.0% |"), std::string::npos) << md;  // holdout table
  EXPECT_EQ(md.find("Incomplete"), std::string::npos);
  rows.pop_back();
  EXPECT_NE(markdown_report(config, rows).find("**Incomplete**: b has 3 of 4 rows"),
            std::string::npos);
}

TEST(Summary, ExpectedRowsPerShard) {
  nlohmann::json config = {{"tasks", 10}, {"shard", "0/3"}};
  EXPECT_EQ(expected_rows_per_method(config), 4u);  // 0, 3, 6, 9
  config["shard"] = "2/3";
  EXPECT_EQ(expected_rows_per_method(config), 3u);  // 2, 5, 8
  config["shard"] = "0/1";
  EXPECT_EQ(expected_rows_per_method(config), 10u);
}

}  // namespace
}  // namespace npeps
