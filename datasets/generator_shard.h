// One generator run split over N processes or machines (`npeps generate
// --shard I/N`, then `npeps generate merge`), with a merge whose output is
// exactly the single run's.
//
// Design: the single run is a sequence of seeded chunks per length, each
// depending only on the options and its index (datasets/generator_chunk.h);
// dedup, exclusion and the batch schedule then run in chunk order. Shard I
// computes chunks I, I+N, I+2N, ... of every length and writes them, not
// yet deduplicated, to its file; it stops a length once its own chunks
// (deduplicated and balanced among themselves) hold about
// programs_per_length / N programs plus a margin that allows for the
// duplicates between shards, or stall. The merge replays the single run's
// schedule over the union of the shards' chunks; a chunk the replay needs
// that no shard computed (shards stop on local estimates) is computed by
// the merge itself, so the output is always identical, and only the work
// split depends on the estimate.
//
// Shard file (JSON Lines): a header {"npeps_generate_shard": 1, "shard": I,
// "of": N, "options": {...}, "excluded": ["<32 hex digits>", ...]}, then
// one line per chunk {"length", "chunk", "stats": [candidates,
// no_structure, no_examples, constant, redundant, example_draws,
// example_accepts], "candidates": [{"program", "examples", "signature"}]}.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "datasets/generator.h"

namespace npeps {

struct ShardSpec {
  int index = 0;  // 0..count-1
  int count = 1;
};

// The options that determine a run's output, as JSON (no threads,
// progress or exclude; the excluded signatures travel separately).
nlohmann::json generator_options_to_json(const GeneratorOptions& o);
GeneratorOptions generator_options_from_json(const nlohmann::json& j);  // throws GeneratorError

// Computes shard `spec` of the run `opts` and writes its file to `out`.
// `stats` (optional) gets the shard's own counts (kept = locally new);
// opts.progress, when set, gets (locally new programs up to the shard's
// share per length, that share times the number of lengths).
// Throws GeneratorError.
void generate_shard(const GeneratorOptions& opts, ShardSpec spec, std::ostream& out,
                    GeneratorStats* stats = nullptr);

struct MergeReport {
  std::size_t chunks_from_shards = 0;  // chunks the replay took from the files
  std::size_t chunks_computed = 0;     // chunks no shard had, computed by the merge
};

// The tasks the single run gives, from the files of shards 0..N-1 (any
// order; each exactly once, all of the same run). `threads` computes
// missing chunks (0 = all cores); `progress` as in GeneratorOptions.
// Throws GeneratorError naming the file on a bad or inconsistent set.
std::vector<Task> merge_shards(const std::vector<std::string>& paths, int threads,
                               GeneratorStats* stats = nullptr, MergeReport* report = nullptr,
                               std::function<void(std::size_t, std::size_t)> progress = {});

}  // namespace npeps
