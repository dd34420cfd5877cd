#include "bench/bench_row.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "bench/bench_options.h"

namespace npeps {

nlohmann::json row_to_json(const BenchRow& r) {
  nlohmann::json j;
  j["task"] = r.task;
  j["index"] = r.index;
  j["ref_len"] = r.ref_len ? nlohmann::json(*r.ref_len) : nlohmann::json(nullptr);
  j["method"] = r.method;
  j["solved"] = r.solved;
  j["time_s"] = std::round(r.time_s * 1e6) / 1e6;
  j["nodes"] = r.nodes;
  j["checks"] = r.checks;
  j["model_calls"] = r.model_calls;
  j["program"] = r.program.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.program);
  if (r.recheck_failed) j["recheck_failed"] = true;
  if (r.holdout_ok) j["holdout_ok"] = *r.holdout_ok;
  if (!r.error.empty()) j["error"] = r.error;
  return j;
}

namespace {

const nlohmann::json& field(const nlohmann::json& j, const char* name) {
  if (!j.is_object() || !j.contains(name))
    throw BenchError(std::string("result row lacks '") + name + "'");
  return j.at(name);
}

}  // namespace

BenchRow row_from_json(const nlohmann::json& j) {
  BenchRow r;
  try {
    r.task = field(j, "task").get<std::string>();
    r.index = field(j, "index").get<std::size_t>();
    if (const auto& l = field(j, "ref_len"); !l.is_null()) r.ref_len = l.get<int>();
    r.method = field(j, "method").get<std::string>();
    r.solved = field(j, "solved").get<bool>();
    r.time_s = field(j, "time_s").get<double>();
    r.nodes = field(j, "nodes").get<std::uint64_t>();
    r.checks = j.value("checks", std::uint64_t{0});  // absent before the lookahead
    r.model_calls = field(j, "model_calls").get<std::uint64_t>();
    if (const auto& p = field(j, "program"); !p.is_null()) r.program = p.get<std::string>();
    r.recheck_failed = j.value("recheck_failed", false);
    if (j.contains("holdout_ok") && !j["holdout_ok"].is_null())
      r.holdout_ok = j["holdout_ok"].get<bool>();
    r.error = j.value("error", std::string());
  } catch (const nlohmann::json::exception& e) {
    throw BenchError(std::string("result row has a field of the wrong type: ") + e.what());
  }
  return r;
}

std::vector<BenchRow> read_rows(const std::string& path, std::size_t* bad_lines) {
  std::vector<BenchRow> rows;
  std::size_t bad = 0;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      rows.push_back(row_from_json(nlohmann::json::parse(line)));
    } catch (const std::exception&) {
      ++bad;
    }
  }
  if (bad_lines) *bad_lines = bad;
  return rows;
}

void sort_rows(std::vector<BenchRow>& rows, const std::vector<std::string>& methods) {
  auto rank = [&](const std::string& m) {
    const auto it = std::find(methods.begin(), methods.end(), m);
    return static_cast<std::size_t>(it - methods.begin());
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const BenchRow& a, const BenchRow& b) {
    if (a.index != b.index) return a.index < b.index;
    const std::size_t ra = rank(a.method), rb = rank(b.method);
    if (ra != rb) return ra < rb;
    return a.method < b.method;
  });
  std::set<std::pair<std::size_t, std::string>> seen;
  std::vector<BenchRow> unique;
  unique.reserve(rows.size());
  for (BenchRow& r : rows)
    if (seen.emplace(r.index, r.method).second) unique.push_back(std::move(r));
  rows = std::move(unique);
}

}  // namespace npeps
