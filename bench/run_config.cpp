#include "bench/run_config.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace npeps {
namespace {

// Fields that change results; a resumed run or a merge must agree on them.
const char* const kCompared[] = {
    "tasks", "fingerprint", "methods", "timeout_s",   "max_nodes",       "threads",
    "seed",  "holdout",     "alpha",   "pe_budget_s", "max_pe_solutions"};

}  // namespace

nlohmann::json run_config(const BenchOptions& opts, const BenchTaskSet& tasks) {
  nlohmann::json j;
  j["format"] = "npeps-bench/1";
  j["source"] = tasks.source;
  j["tasks"] = tasks.tasks.size();
  j["fingerprint"] = tasks.fingerprint;
  j["methods"] = opts.methods;
  j["timeout_s"] = opts.timeout_s;
  j["max_nodes"] = opts.max_nodes;
  j["threads"] = opts.threads;
  j["seed"] = opts.seed;
  j["holdout"] = opts.holdout;
  // Only when not the default, so runs made before the option still resume.
  const NPEPSOptions defaults, &n = opts.npeps;
  if (n.alpha != defaults.alpha) j["alpha"] = n.alpha;
  if (n.pe_budget_s != defaults.pe_budget_s) j["pe_budget_s"] = n.pe_budget_s;
  if (n.max_pe_solutions != defaults.max_pe_solutions) j["max_pe_solutions"] = n.max_pe_solutions;
  j["shard"] = std::to_string(opts.shard_index) + "/" + std::to_string(opts.shard_count);
  return j;
}

void check_same_config(const nlohmann::json& stored, const nlohmann::json& wanted,
                       bool ignore_shard, const std::string& what) {
  auto differ = [&](const char* key) {
    const nlohmann::json a = stored.contains(key) ? stored[key] : nlohmann::json(nullptr);
    const nlohmann::json b = wanted.contains(key) ? wanted[key] : nlohmann::json(nullptr);
    if (a != b)
      throw BenchError(what + " was made with " + key + " = " + a.dump() + ", this run has " +
                       b.dump() + " (use another --out directory, or the same options)");
  };
  for (const char* key : kCompared) differ(key);
  if (!ignore_shard) differ("shard");
}

nlohmann::json read_config(const std::string& dir) {
  const std::string path = (std::filesystem::path(dir) / "config.json").string();
  std::ifstream in(path);
  if (!in) throw BenchError("'" + path + "' not found: not a bench output directory");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw BenchError("'" + path + "' is not valid JSON: " + e.what());
  }
}

void write_file_atomic(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw BenchError("cannot write '" + tmp + "'");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw BenchError("cannot rename '" + tmp + "' to '" + path + "': " + ec.message());
}

}  // namespace npeps
