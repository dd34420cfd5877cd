// `npeps bench merge`: combines the results of shard directories into one
// directory whose outputs equal those of a single unsharded run.
#pragma once

#include <string>
#include <vector>

namespace npeps {

struct MergeOptions {
  // Merge even when some shards of the N are missing (the report then says
  // which rows are missing). Default: every shard 0..N-1 exactly once.
  bool allow_partial = false;
};

// Checks the shards share every result-affecting setting (config.json) and
// have distinct shard indices, writes out_dir/config.json (shard "0/1"),
// results.jsonl in canonical order (task index, then method order) and
// the report. out_dir must not be one of the inputs. Throws BenchError.
void merge_bench(const std::vector<std::string>& dirs, const std::string& out_dir,
                 const MergeOptions& opts = {});

}  // namespace npeps
