#include "datasets/generator.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <unordered_set>

#include "datasets/behaviour.h"
#include "datasets/program_eval.h"
#include "datasets/random_program.h"

namespace npeps {
namespace {

constexpr int kCandidatesPerChunk = 16;  // candidates one RNG stream draws
constexpr int kMaxChunksPerBatch = 256;

struct Candidate {
  Program program;
  std::vector<Example> examples;
  Signature signature;
};

struct ChunkResult {
  std::vector<Candidate> candidates;
  LengthStats stats;  // counts up to and including `redundant`, and example draws
};

void validate(const GeneratorOptions& o) {
  auto fail = [](const std::string& m) { throw GeneratorError("generator options: " + m); };
  if (o.lengths.empty()) fail("lengths is empty");
  for (int l : o.lengths)
    if (l < 1 || l > kMaxGeneratedLength)
      fail("length " + std::to_string(l) + " is outside 1.." + std::to_string(kMaxGeneratedLength));
  if (o.max_inputs < 1 || o.max_inputs > kMaxInputs) fail("max_inputs must be in 1..3");
  if (o.num_examples < 1 || o.num_examples > kMaxExamples) fail("num_examples must be in 1..10");
  if (o.threads < 0) fail("threads must be >= 0");
  if (o.example_attempts < o.num_examples) fail("example_attempts must be >= num_examples");
  if (o.probes < 1) fail("probes must be >= 1");
  if (o.stall_batches < 1) fail("stall_batches must be >= 1");
  if (o.constraints.index_max < 0 || o.constraints.access_index_max < 0 ||
      o.constraints.access_index_max >= kMaxListLength || o.constraints.input_min_length < 0 ||
      o.constraints.input_min_length > kMaxListLength)
    fail("constraints out of range");
}

// Draws up to opts.num_examples examples; false when too few are found.
bool sample_examples(const Program& p, const GeneratorOptions& opts, Rng& rng,
                     std::vector<Example>& examples, LengthStats& st) {
  const int k = static_cast<int>(p.inputs.size());
  std::vector<Constraint> cs;
  if (opts.use_constraints) {
    cs = propagate_constraints(p, opts.constraints);
  } else {
    cs.resize(k);
    for (Constraint& c : cs) {
      c.min_length = opts.constraints.input_min_length;
      c.value = {0, opts.constraints.index_max};
    }
  }
  for (int i = 0; i < k; ++i)
    if (!cs[i].satisfiable(p.inputs[i])) return false;
  examples.clear();
  Value vars[kMaxGeneratedVars];
  for (int a = 0;
       a < opts.example_attempts && static_cast<int>(examples.size()) < opts.num_examples; ++a) {
    ++st.example_draws;
    for (int i = 0; i < k; ++i) vars[i] = sample_value(cs[i], p.inputs[i], rng);
    bool seen = false;
    for (const Example& e : examples) seen |= std::equal(vars, vars + k, e.inputs.begin());
    if (seen) continue;
    if (run_into(p, vars) != EvalStatus::Ok) continue;
    const Value& out = vars[p.num_vars() - 1];
    if (out.is_null()) continue;
    ++st.example_accepts;
    examples.push_back(Example{std::vector<Value>(vars, vars + k), out});
  }
  return static_cast<int>(examples.size()) == opts.num_examples;
}

ChunkResult run_chunk(const GeneratorOptions& opts, const ProbeSet& probes, int length,
                      std::uint64_t chunk) {
  ChunkResult res;
  LengthStats& st = res.stats;
  Rng rng(derive_seed(opts.seed, static_cast<std::uint64_t>(length), chunk));
  Candidate c;
  for (int n = 0; n < kCandidatesPerChunk; ++n) {
    ++st.candidates;
    if (!random_program(rng, length, opts.max_inputs, c.program)) {
      ++st.no_structure;
      continue;
    }
    if (!sample_examples(c.program, opts, rng, c.examples, st)) {
      ++st.no_examples;
      continue;
    }
    bool all_equal = opts.num_examples > 1;
    for (const Example& e : c.examples) all_equal &= e.output == c.examples[0].output;
    if (all_equal) {
      ++st.constant;
      continue;
    }
    const Behaviour b = analyse_behaviour(c.program, probes);
    if (b.constant_output) {
      ++st.constant;
      continue;
    }
    if (opts.reject_redundant && b.redundant) {
      ++st.redundant;
      continue;
    }
    c.signature = b.signature;
    res.candidates.push_back(c);
  }
  return res;
}

void add_counts(LengthStats& to, const LengthStats& from) {
  to.candidates += from.candidates;
  to.no_structure += from.no_structure;
  to.no_examples += from.no_examples;
  to.constant += from.constant;
  to.redundant += from.redundant;
  to.example_draws += from.example_draws;
  to.example_accepts += from.example_accepts;
}

std::string task_id(int length, std::size_t index) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "L%d-%06zu", length, index);
  return buf;
}

}  // namespace

std::vector<Task> generate(const GeneratorOptions& opts, GeneratorStats* stats) {
  validate(opts);
  std::vector<int> lengths = opts.lengths;
  std::sort(lengths.begin(), lengths.end());
  lengths.erase(std::unique(lengths.begin(), lengths.end()), lengths.end());

  const ProbeSet probes(ProbeOptions{.count = opts.probes});
  std::unordered_set<Signature, SignatureHash> excluded, kept;
  if (opts.exclude) {
    for (const Task& t : *opts.exclude) {
      if (!t.program ||
          t.program->statements.size() > static_cast<std::size_t>(kMaxGeneratedLength))
        continue;
      try {
        check(*t.program);
      } catch (const ProgramError&) {
        continue;
      }
      excluded.insert(behaviour_signature(*t.program, probes));
    }
  }

  tbb::task_arena arena(opts.threads > 0 ? opts.threads : tbb::task_arena::automatic);
  GeneratorStats local;
  std::vector<Task> out;
  const std::size_t wanted_total = opts.programs_per_length * lengths.size();
  for (int length : lengths) {
    LengthStats ls;
    ls.length = length;
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
      std::vector<ChunkResult> results(chunks);
      arena.execute([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, chunks, 1), [&](const auto& r) {
          for (std::size_t c = r.begin(); c != r.end(); ++c)
            results[c] = run_chunk(opts, probes, length, next_chunk + c);
        });
      });
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
          if (!kept.insert(c.signature).second) {
            ++ls.duplicate;
            continue;
          }
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
