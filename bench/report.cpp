#include "bench/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "bench/bench_options.h"
#include "bench/run_config.h"
#include "bench/stats.h"
#include "bench/svg_plot.h"

namespace npeps {
namespace {

double round6(double x) { return std::round(x * 1e6) / 1e6; }

std::string pct(double f) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * f);
  return buf;
}

std::string secs(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

std::vector<std::string> config_methods(const nlohmann::json& config) {
  return config.at("methods").get<std::vector<std::string>>();
}

std::vector<BenchRow> rows_of(const std::vector<BenchRow>& rows, const std::string& method) {
  std::vector<BenchRow> out;
  for (const BenchRow& r : rows)
    if (r.method == method) out.push_back(r);
  return out;
}

// Reference lengths present, ascending; -1 stands for "unknown".
std::map<int, std::vector<BenchRow>> by_length(const std::vector<BenchRow>& rows) {
  std::map<int, std::vector<BenchRow>> m;
  for (const BenchRow& r : rows) m[r.ref_len.value_or(-1)].push_back(r);
  return m;
}

nlohmann::json tally_json(const Tally& t) {
  const Interval ci = t.interval();
  return {{"rows", t.tasks},
          {"solved", t.solved},
          {"rate", round6(t.rate())},
          {"ci95", {round6(ci.lo), round6(ci.hi)}}};
}

double plot_x_max(const nlohmann::json& config, const std::vector<BenchRow>& rows) {
  const double timeout = config.value("timeout_s", 0.0);
  if (timeout > 0) return timeout;
  double m = 0;
  for (const BenchRow& r : rows)
    if (r.solved) m = std::max(m, r.time_s);
  return m > 0 ? m : 1.0;
}

std::string cell(const Tally& t) {
  const Interval ci = t.interval();
  return std::to_string(t.solved) + "/" + std::to_string(t.tasks) + " " + pct(t.rate()) + " [" +
         pct(ci.lo) + ", " + pct(ci.hi) + "]";
}

}  // namespace

std::size_t expected_rows_per_method(const nlohmann::json& config) {
  const std::size_t n = config.at("tasks").get<std::size_t>();
  int index = 0, count = 1;
  parse_shard(config.value("shard", std::string("0/1")), index, count);
  const std::size_t i = static_cast<std::size_t>(index), c = static_cast<std::size_t>(count);
  return n > i ? (n - i + c - 1) / c : 0;
}

nlohmann::json summarize(const nlohmann::json& config, const std::vector<BenchRow>& rows) {
  nlohmann::json s;
  s["source"] = config.value("source", "");
  s["tasks"] = config.at("tasks");
  s["shard"] = config.value("shard", "0/1");
  s["timeout_s"] = config.value("timeout_s", 0.0);
  s["max_nodes"] = config.value("max_nodes", 0);
  s["holdout"] = config.value("holdout", 0);
  s["expected_rows_per_method"] = expected_rows_per_method(config);
  s["methods"] = nlohmann::json::array();
  const bool holdout = config.value("holdout", 0) > 0;
  for (const std::string& m : config_methods(config)) {
    const std::vector<BenchRow> mine = rows_of(rows, m);
    const Tally t = tally(mine);
    nlohmann::json j = tally_json(t);
    j["method"] = m;
    j["recheck_failed"] = t.recheck_failed;
    j["errors"] = t.errors;
    j["nodes"] = t.nodes;
    j["checks"] = t.checks;
    j["model_calls"] = t.model_calls;
    nlohmann::json lengths = nlohmann::json::object();
    for (const auto& [len, group] : by_length(mine))
      lengths[len < 0 ? "unknown" : std::to_string(len)] = tally_json(tally(group));
    j["by_length"] = lengths;
    if (holdout)
      j["holdout"] = {{"checked", t.holdout_checked},
                      {"ok", t.holdout_ok},
                      {"overfit_rate", round6(t.overfit_rate())}};
    nlohmann::json curve = nlohmann::json::array();
    double total = 0, solved_total = 0;
    for (const BenchRow& r : mine) {
      total += r.time_s;
      if (r.solved) solved_total += r.time_s;
    }
    for (const CurvePoint& p : success_curve(mine))
      curve.push_back({round6(p.t), round6(p.fraction)});
    j["timing"] = {
        {"total_s", round6(total)},
        {"median_solve_s", round6(median_solve_time(mine))},
        {"mean_solve_s", round6(t.solved ? solved_total / static_cast<double>(t.solved) : 0.0)},
        {"curve", curve}};
    s["methods"].push_back(j);
  }
  return s;
}

std::string markdown_report(const nlohmann::json& config, const std::vector<BenchRow>& rows) {
  const std::vector<std::string> methods = config_methods(config);
  const double timeout = config.value("timeout_s", 0.0);
  const std::uint64_t max_nodes = config.value("max_nodes", std::uint64_t{0});
  const int holdout = config.value("holdout", 0);
  std::string md = "# npeps bench\n\n";
  md += "- Tasks: " + std::to_string(config.at("tasks").get<std::size_t>()) + " from " +
        config.value("source", std::string("?")) + " (shard " +
        config.value("shard", std::string("0/1")) + ")\n";
  md += "- Budget per task and method:";
  if (timeout > 0) md += " " + secs(timeout) + " s wall clock";
  if (timeout > 0 && max_nodes > 0) md += ",";
  if (max_nodes > 0) md += " " + std::to_string(max_nodes) + " nodes";
  md += "\n";
  if (holdout > 0)
    md += "- Holdout: the last " + std::to_string(holdout) +
          " example(s) of each task hidden from the solver\n";
  const std::size_t expected = expected_rows_per_method(config);
  for (const std::string& m : methods) {
    const std::size_t have = rows_of(rows, m).size();
    if (have != expected)
      md += "- **Incomplete**: " + m + " has " + std::to_string(have) + " of " +
            std::to_string(expected) + " rows\n";
  }

  md += "\n## Success rate (95% Wilson interval)\n\n";
  md += "| method | solved | rate | 95% CI | nodes | checks | model calls | re-check failed |\n";
  md += "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |\n";
  for (const std::string& m : methods) {
    const Tally t = tally(rows_of(rows, m));
    const Interval ci = t.interval();
    md += "| " + m + " | " + std::to_string(t.solved) + "/" + std::to_string(t.tasks) + " | " +
          pct(t.rate()) + " | " + pct(ci.lo) + " – " + pct(ci.hi) + " | " +
          std::to_string(t.nodes) + " | " + std::to_string(t.checks) + " | " +
          std::to_string(t.model_calls) + " | " + std::to_string(t.recheck_failed) + " |\n";
  }

  std::map<int, bool> lengths;
  for (const BenchRow& r : rows) lengths[r.ref_len.value_or(-1)] = true;
  if (!lengths.empty()) {
    md +=
        "\n## By reference program length\n\nEach cell: solved/tasks, rate [95% CI].\n\n| method |";
    std::string rule = "| --- |";
    for (const auto& [len, _] : lengths) {
      md += len < 0 ? " unknown |" : " L=" + std::to_string(len) + " |";
      rule += " --- |";
    }
    md += "\n" + rule + "\n";
    for (const std::string& m : methods) {
      const auto groups = by_length(rows_of(rows, m));
      md += "| " + m + " |";
      for (const auto& [len, _] : lengths) {
        const auto it = groups.find(len);
        md += ' ';
        md += it == groups.end() ? std::string("–") : cell(tally(it->second));
        md += " |";
      }
      md += "\n";
    }
  }

  if (methods.size() > 1) {
    md +=
        "\n## Paired comparison\n\nSame tasks, two methods: tasks A solved and B did not, the "
        "reverse, and the exact McNemar p-value for \"A and B solve equally often\".\n\n"
        "| A | B | only A | only B | p |\n"
        "| --- | --- | ---: | ---: | ---: |\n";
    for (std::size_t i = 0; i < methods.size(); ++i)
      for (std::size_t k = i + 1; k < methods.size(); ++k) {
        const Paired p = paired_comparison(rows_of(rows, methods[k]), rows_of(rows, methods[i]));
        char pv[32];
        std::snprintf(pv, sizeof pv, "%.3g", p.p_value);
        md += "| " + methods[k] + " | " + methods[i] + " | " + std::to_string(p.only_a) + " | " +
              std::to_string(p.only_b) + " | " + pv + " |\n";
      }
  }

  if (holdout > 0) {
    md += "\n## Holdout\n\nA solved task's program is run on the " + std::to_string(holdout) +
          " hidden example(s); overfitting rate = solved but wrong on them / solved.\n\n";
    md +=
        "| method | solved | right on hidden | overfitting rate |\n| --- | ---: | ---: | ---: |\n";
    for (const std::string& m : methods) {
      const Tally t = tally(rows_of(rows, m));
      md += "| " + m + " | " + std::to_string(t.holdout_checked) + " | " +
            std::to_string(t.holdout_ok) + " | " + pct(t.overfit_rate()) + " |\n";
    }
  }

  md +=
      "\n## Time\n\nTimings vary between runs; everything above does not under a node budget.\n\n";
  const double x_max = plot_x_max(config, rows);
  md +=
      "| method | median time to solution (s) | solved within 10% of budget | within 50% | total "
      "time (s) |\n";
  md += "| --- | ---: | ---: | ---: | ---: |\n";
  for (const std::string& m : methods) {
    const std::vector<BenchRow> mine = rows_of(rows, m);
    double total = 0;
    for (const BenchRow& r : mine) total += r.time_s;
    md += "| " + m + " | " + secs(median_solve_time(mine)) + " | " +
          pct(fraction_solved_by(mine, 0.1 * x_max)) + " | " +
          pct(fraction_solved_by(mine, 0.5 * x_max)) + " | " + secs(total) + " |\n";
  }
  md += "\n![success rate versus time](" + std::string(kPlotFile) + ")\n";
  return md;
}

void write_report(const std::string& dir) {
  namespace fs = std::filesystem;
  const nlohmann::json config = read_config(dir);
  std::vector<BenchRow> rows = read_rows((fs::path(dir) / "results.jsonl").string());
  std::vector<std::string> methods;
  try {
    methods = config_methods(config);
    (void)config.at("tasks").get<std::size_t>();
  } catch (const nlohmann::json::exception& e) {
    throw BenchError("'" + (fs::path(dir) / "config.json").string() +
                     "' lacks methods or tasks: " + e.what());
  }
  sort_rows(rows, methods);
  write_file_atomic((fs::path(dir) / "summary.json").string(),
                    summarize(config, rows).dump(2) + "\n");
  write_file_atomic((fs::path(dir) / "report.md").string(), markdown_report(config, rows));
  std::vector<PlotCurve> curves;
  for (const std::string& m : methods) curves.push_back({m, success_curve(rows_of(rows, m))});
  write_file_atomic((fs::path(dir) / kPlotFile).string(),
                    success_plot_svg(curves, plot_x_max(config, rows), "Tasks solved versus time"));
}

}  // namespace npeps
