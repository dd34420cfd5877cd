// One chunk of the generator's work: kCandidatesPerChunk random programs
// drawn from one seeded RNG stream, each with examples, filtered for
// degeneracy but not yet deduplicated. A chunk's result depends only on
// (options, length, chunk index), never on other chunks, so chunks can be
// computed in any order, on any thread or in another process (shards),
// and assembled in chunk order into the same output. Internal to the
// generator (datasets/generator.cpp, datasets/generator_shard.cpp).
#pragma once

#include <tbb/task_arena.h>

#include <cstdint>
#include <functional>
#include <unordered_set>
#include <vector>

#include "datasets/behaviour.h"
#include "datasets/generator.h"

namespace npeps {

inline constexpr int kCandidatesPerChunk = 16;  // candidates one RNG stream draws

struct Candidate {
  Program program;
  std::vector<Example> examples;
  Signature signature;
};

struct ChunkResult {
  std::vector<Candidate> candidates;  // passed every filter but dedup and exclusion
  LengthStats stats;                  // counts up to and including `redundant`, and example draws
};

// What every chunk of one length needs. Not owning; all referenced objects
// are immutable while chunks run, so one ChunkContext serves all threads.
struct ChunkContext {
  const GeneratorOptions* opts = nullptr;
  const ProbeSet* probes = nullptr;
  int length = 0;
};

// Candidates of stream `chunk`, whose RNG is seeded by (opts.seed, length, chunk).
ChunkResult run_chunk(const ChunkContext& ctx, std::uint64_t chunk);

void add_counts(LengthStats& to, const LengthStats& from);

using SignatureSet = std::unordered_set<Signature, SignatureHash>;

// Behaviour signatures of the excluded tasks' programs (those the generator
// could have made: valid, at most kMaxGeneratedLength statements).
SignatureSet excluded_signatures(const std::vector<Task>* exclude, const ProbeSet& probes);

// Computes chunks in parallel on a TBB arena of opts.threads workers.
// Not thread-safe itself (call from one thread).
class ChunkComputer {
 public:
  ChunkComputer(const GeneratorOptions& opts, const ProbeSet& probes);
  // out[i] = chunk chunks[i] of `length`.
  std::vector<ChunkResult> compute(int length, const std::vector<std::uint64_t>& chunks);

 private:
  const GeneratorOptions& opts_;
  const ProbeSet& probes_;
  tbb::task_arena arena_;
};

// The generator's single-run schedule, whatever computes the chunks:
// lengths in increasing order; per length, batches of consecutive chunks
// whose size depends only on what is still wanted and on the yield so
// far; candidates deduplicated and checked against `excluded` in chunk
// order; a length ends when it has programs_per_length programs or stalls.
// `source(length, first, count)` returns chunks first..first+count-1.
using ChunkSource =
    std::function<std::vector<ChunkResult>(int length, std::uint64_t first, std::size_t count)>;
std::vector<Task> assemble(const GeneratorOptions& opts, const SignatureSet& excluded,
                           const ChunkSource& source, GeneratorStats* stats);

// Throws GeneratorError when the options are invalid.
void validate(const GeneratorOptions& opts);

}  // namespace npeps
