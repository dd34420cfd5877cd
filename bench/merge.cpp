#include "bench/merge.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "bench/bench_options.h"
#include "bench/bench_row.h"
#include "bench/report.h"
#include "bench/run_config.h"

namespace npeps {

void merge_bench(const std::vector<std::string>& dirs, const std::string& out_dir,
                 const MergeOptions& opts) {
  namespace fs = std::filesystem;
  if (dirs.empty()) throw BenchError("merge: give the shard directories to merge");
  std::error_code ec;
  for (const std::string& d : dirs)
    if (fs::exists(out_dir) && fs::equivalent(d, out_dir, ec))
      throw BenchError("merge: --out '" + out_dir + "' is one of the inputs");
  nlohmann::json first;
  std::set<int> shards;
  int count = 0;
  std::vector<BenchRow> rows;
  for (const std::string& d : dirs) {
    const nlohmann::json config = read_config(d);
    int index = 0, n = 1;
    parse_shard(config.value("shard", std::string("0/1")), index, n);
    if (first.is_null()) {
      first = config;
      count = n;
    } else {
      check_same_config(config, first, true, "'" + d + "'");
      if (n != count)
        throw BenchError("merge: '" + d + "' is shard " + config.value("shard", std::string()) +
                         " but '" + dirs.front() + "' is one of " + std::to_string(count));
    }
    if (!shards.insert(index).second)
      throw BenchError("merge: shard " + std::to_string(index) + "/" + std::to_string(n) +
                       " given twice ('" + d + "')");
    std::vector<BenchRow> mine = read_rows((fs::path(d) / "results.jsonl").string());
    rows.insert(rows.end(), mine.begin(), mine.end());
  }
  if (!opts.allow_partial && static_cast<int>(shards.size()) != count) {
    std::string missing;
    for (int i = 0; i < count; ++i)
      if (!shards.count(i))
        missing += (missing.empty() ? "" : ", ") + std::to_string(i) + "/" + std::to_string(count);
    throw BenchError("merge: missing shard(s) " + missing);
  }
  const std::vector<std::string> methods = first.at("methods").get<std::vector<std::string>>();
  sort_rows(rows, methods);
  nlohmann::json config = first;
  config["shard"] = "0/1";
  fs::create_directories(out_dir, ec);
  if (ec) throw BenchError("cannot create '" + out_dir + "': " + ec.message());
  write_file_atomic((fs::path(out_dir) / "config.json").string(), config.dump(2) + "\n");
  std::string text;
  for (const BenchRow& r : rows) text += row_to_json(r).dump() + "\n";
  write_file_atomic((fs::path(out_dir) / "results.jsonl").string(), text);
  write_report(out_dir);
}

}  // namespace npeps
