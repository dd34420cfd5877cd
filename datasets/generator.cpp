#include "datasets/generator.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "datasets/generator_chunk.h"
#include "datasets/op_balance.h"
#include "datasets/random_program.h"

namespace npeps {
namespace {

constexpr int kMaxChunksPerBatch = 256;

std::string task_id(int length, std::size_t index) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "L%d-%06zu", length, index);
  return buf;
}

std::vector<int> sorted_lengths(const GeneratorOptions& opts) {
  std::vector<int> lengths = opts.lengths;
  std::sort(lengths.begin(), lengths.end());
  lengths.erase(std::unique(lengths.begin(), lengths.end()), lengths.end());
  return lengths;
}

}  // namespace

void validate(const GeneratorOptions& o) {
  auto fail = [](const std::string& m) { throw GeneratorError("generator options: " + m); };
  if (o.lengths.empty()) fail("lengths is empty");
  for (int l : o.lengths)
    if (l < 1 || l > kMaxGeneratedLength)
      fail("length " + std::to_string(l) + " is outside 1.." + std::to_string(kMaxGeneratedLength));
  if (o.max_inputs < 1 || o.max_inputs > kMaxInputs) fail("max_inputs must be in 1..3");
  if (o.num_examples < 1 || o.num_examples > kMaxExamples) fail("num_examples must be in 1..10");
  if (o.min_examples < 0 || o.min_examples > o.num_examples)
    fail("min_examples must be in 0..num_examples");
  for (IntRange s : o.value_scales)
    if (!s.valid() || s.lo < kIntMin || s.hi > kIntMax)
      fail("value scale [" + std::to_string(s.lo) + ", " + std::to_string(s.hi) +
           "] is empty or outside [-256, 255]");
  if (!(o.balance_strength > 0)) fail("balance_strength must be > 0");
  if (o.threads < 0) fail("threads must be >= 0");
  if (o.example_attempts < o.num_examples) fail("example_attempts must be >= num_examples");
  if (o.probes < 1) fail("probes must be >= 1");
  if (o.stall_batches < 1) fail("stall_batches must be >= 1");
  if (o.constraints.index_max < 0 || o.constraints.access_index_max < 0 ||
      o.constraints.access_index_max >= kMaxListLength || o.constraints.input_min_length < 0 ||
      o.constraints.input_min_length > kMaxListLength)
    fail("constraints out of range");
}

std::vector<IntRange> mixed_value_scales() {
  return {{-256, 255}, {-128, 127}, {-64, 63}, {-50, 50}, {-10, 10}, {0, 10}};
}

void apply_training_mixture(GeneratorOptions& o) {
  o.value_scales = mixed_value_scales();
  o.min_examples = 1;
  o.num_examples = 5;
  o.balanced = true;
}

SignatureSet excluded_signatures(const std::vector<Task>* exclude, const ProbeSet& probes) {
  SignatureSet out;
  if (!exclude) return out;
  for (const Task& t : *exclude) {
    if (!t.program || t.program->statements.size() > static_cast<std::size_t>(kMaxGeneratedLength))
      continue;
    try {
      check(*t.program);
    } catch (const ProgramError&) {
      continue;
    }
    out.insert(behaviour_signature(*t.program, probes));
  }
  return out;
}

std::vector<Task> assemble(const GeneratorOptions& opts, const SignatureSet& excluded,
                           const ChunkSource& source, GeneratorStats* stats) {
  const std::vector<int> lengths = sorted_lengths(opts);
  SignatureSet kept;
  GeneratorStats local;
  std::vector<Task> out;
  const std::size_t wanted_total = opts.programs_per_length * lengths.size();
  for (int length : lengths) {
    LengthStats ls;
    ls.length = length;
    OpBalancer balancer(opts.seed ^ static_cast<std::uint64_t>(length), opts.balance_strength);
    std::uint64_t next_chunk = 0;
    int stalled = 0;
    while (ls.kept < opts.programs_per_length && stalled < opts.stall_batches) {
      // The batch size depends only on what is still wanted and on the
      // yield so far, never on the thread count, so output is deterministic.
      const std::size_t need = opts.programs_per_length - ls.kept;
      const double yield =
          ls.candidates ? std::max(0.02, double(ls.kept + 1) / double(ls.candidates)) : 0.25;
      const std::size_t chunks = std::clamp<std::size_t>(
          static_cast<std::size_t>(1.2 * double(need) / yield / kCandidatesPerChunk) + 1, 1,
          kMaxChunksPerBatch);
      std::vector<ChunkResult> results = source(length, next_chunk, chunks);
      next_chunk += chunks;
      const std::size_t before = ls.kept;
      const std::size_t candidates_before = ls.candidates;
      for (ChunkResult& res : results) {
        add_counts(ls, res.stats);
        for (Candidate& c : res.candidates) {
          if (ls.kept >= opts.programs_per_length) break;
          if (excluded.count(c.signature)) {
            ++ls.excluded;
            continue;
          }
          if (kept.count(c.signature)) {
            ++ls.duplicate;
            continue;
          }
          if (opts.balanced) {
            if (!balancer.admits(c.program, c.signature)) {
              ++ls.unbalanced;
              continue;
            }
            balancer.add(c.program);
          }
          kept.insert(c.signature);
          Task t;
          t.id = task_id(length, ls.kept);
          t.examples = std::move(c.examples);
          t.program = std::move(c.program);
          out.push_back(std::move(t));
          ++ls.kept;
        }
        if (ls.kept >= opts.programs_per_length) break;
      }
      const double fresh = static_cast<double>(ls.kept - before);
      const bool saturated =
          ls.kept < opts.programs_per_length &&
          fresh < opts.min_new_fraction * static_cast<double>(ls.candidates - candidates_before);
      stalled = (ls.kept == before || saturated) ? stalled + 1 : 0;
      if (opts.progress) opts.progress(out.size(), wanted_total);
    }
    local.lengths.push_back(ls);
  }
  if (stats) *stats = std::move(local);
  return out;
}

std::vector<Task> generate(const GeneratorOptions& opts, GeneratorStats* stats) {
  validate(opts);
  const ProbeSet probes(ProbeOptions{.count = opts.probes});
  const SignatureSet excluded = excluded_signatures(opts.exclude, probes);
  ChunkComputer computer(opts, probes);
  return assemble(
      opts, excluded,
      [&](int length, std::uint64_t first, std::size_t count) {
        std::vector<std::uint64_t> chunks(count);
        for (std::size_t i = 0; i < count; ++i) chunks[i] = first + i;
        return computer.compute(length, chunks);
      },
      stats);
}

std::vector<Task> per_example_variants(const std::vector<Task>& tasks) {
  std::vector<Task> out;
  for (const Task& t : tasks) {
    for (std::size_t e = 0; e < t.examples.size(); ++e) {
      Task v;
      v.id = t.id + "/e" + std::to_string(e);
      v.examples = {t.examples[e]};
      v.program = t.program;
      out.push_back(std::move(v));
    }
  }
  return out;
}

}  // namespace npeps
