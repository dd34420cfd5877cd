// DIR/config.json: the run configuration a results directory belongs to.
// A resumed run must match it exactly; shards being merged must match it
// in everything but the shard.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "bench/bench_options.h"
#include "bench/bench_tasks.h"

namespace npeps {

// The config.json object of a run.
nlohmann::json run_config(const BenchOptions& opts, const BenchTaskSet& tasks);

// Throws BenchError naming the first field that differs between a stored
// and a wanted configuration (`what` says where the stored one came from).
// The shard is compared unless `ignore_shard`; the informational
// "source" (file names) never is.
void check_same_config(const nlohmann::json& stored, const nlohmann::json& wanted,
                       bool ignore_shard, const std::string& what);

// Reads DIR/config.json; throws BenchError when missing or malformed.
nlohmann::json read_config(const std::string& dir);

// Writes `j` to `path` via a temporary file and a rename, so a kill never
// leaves it half written. Throws BenchError.
void write_file_atomic(const std::string& path, const std::string& text);

}  // namespace npeps
