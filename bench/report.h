// The outputs of a bench directory, made from config.json and results.jsonl
// alone (so a merge of shards gives the same files as one run):
// summary.json, report.md and success_vs_time.svg.
//
// Determinism: everything outside summary.json's "timing" objects and
// report.md's "## Time" section depends only on solved/nodes/model calls,
// so under a node budget it is identical between runs and machines.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "bench/bench_row.h"

namespace npeps {

// `rows` in canonical order (sort_rows). Per method: counts, rate, 95%
// Wilson interval, by reference length, holdout, and a "timing" object.
nlohmann::json summarize(const nlohmann::json& config, const std::vector<BenchRow>& rows);

// The Markdown report for the same inputs.
std::string markdown_report(const nlohmann::json& config, const std::vector<BenchRow>& rows);

// Rows per method that a complete run of this config has.
std::size_t expected_rows_per_method(const nlohmann::json& config);

// Reads DIR/config.json and DIR/results.jsonl and (re)writes the three
// outputs. Throws BenchError.
void write_report(const std::string& dir);

inline constexpr const char* kPlotFile = "success_vs_time.svg";

}  // namespace npeps
