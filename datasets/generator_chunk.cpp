#include "datasets/generator_chunk.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>

#include "datasets/constraints.h"
#include "datasets/random_program.h"

namespace npeps {
namespace {

// The input constraints of p: backward-propagated, or (forward sampling)
// lists of any allowed length with elements anywhere and small INTs.
std::vector<Constraint> input_constraints(const Program& p, const GeneratorOptions& opts) {
  const int k = static_cast<int>(p.inputs.size());
  std::vector<Constraint> cs;
  if (opts.use_constraints) {
    cs = propagate_constraints(p, opts.constraints);
    cs.resize(k);
  } else {
    cs.resize(k);
    for (Constraint& c : cs) {
      c.min_length = opts.constraints.input_min_length;
      c.value = {0, opts.constraints.index_max};
    }
  }
  return cs;
}

// cs restricted to `scale` (list elements and INT values); an input the
// restriction would make unsatisfiable keeps its unrestricted constraint.
std::vector<Constraint> within_scale(const Program& p, const std::vector<Constraint>& cs,
                                     IntRange scale) {
  std::vector<Constraint> out = cs;
  for (std::size_t i = 0; i < cs.size(); ++i) {
    Constraint c = cs[i];
    c.value.intersect(scale);
    for (IntRange& e : c.elems) e.intersect(scale);
    if (c.satisfiable(p.inputs[i])) out[i] = c;
  }
  return out;
}

// Draws `wanted` examples; false when too few are found in opts.example_attempts draws.
bool sample_examples(const Program& p, const GeneratorOptions& opts, int wanted, Rng& rng,
                     std::vector<Example>& examples, LengthStats& st) {
  const int k = static_cast<int>(p.inputs.size());
  const std::vector<Constraint> cs = input_constraints(p, opts);
  for (int i = 0; i < k; ++i)
    if (!cs[i].satisfiable(p.inputs[i])) return false;
  std::vector<std::vector<Constraint>> scaled;
  for (IntRange s : opts.value_scales) scaled.push_back(within_scale(p, cs, s));
  examples.clear();
  Value vars[kMaxGeneratedVars];
  for (int a = 0; a < opts.example_attempts && static_cast<int>(examples.size()) < wanted; ++a) {
    ++st.example_draws;
    // Each draw picks its scale, so a scale under which p never runs
    // costs draws, not the program.
    const std::vector<Constraint>& use =
        scaled.empty() ? cs : scaled[uniform_int(rng, 0, static_cast<int>(scaled.size()) - 1)];
    for (int i = 0; i < k; ++i) vars[i] = sample_value(use[i], p.inputs[i], rng);
    bool seen = false;
    for (const Example& e : examples) seen |= std::equal(vars, vars + k, e.inputs.begin());
    if (seen) continue;
    if (run_into(p, vars) != EvalStatus::Ok) continue;
    const Value& out = vars[p.num_vars() - 1];
    if (out.is_null()) continue;
    ++st.example_accepts;
    examples.push_back(Example{std::vector<Value>(vars, vars + k), out});
  }
  return static_cast<int>(examples.size()) == wanted;
}

}  // namespace

ChunkResult run_chunk(const ChunkContext& ctx, std::uint64_t chunk) {
  const GeneratorOptions& opts = *ctx.opts;
  ChunkResult res;
  LengthStats& st = res.stats;
  Rng rng(derive_seed(opts.seed, static_cast<std::uint64_t>(ctx.length), chunk));
  Candidate c;
  for (int n = 0; n < kCandidatesPerChunk; ++n) {
    ++st.candidates;
    if (!random_program(rng, ctx.length, opts.max_inputs, c.program)) {
      ++st.no_structure;
      continue;
    }
    // Drawn only when it varies, so default options draw what they always did.
    const int wanted = opts.min_examples > 0 && opts.min_examples < opts.num_examples
                           ? uniform_int(rng, opts.min_examples, opts.num_examples)
                           : opts.num_examples;
    if (!sample_examples(c.program, opts, wanted, rng, c.examples, st)) {
      ++st.no_examples;
      continue;
    }
    bool all_equal = wanted > 1;
    for (const Example& e : c.examples) all_equal &= e.output == c.examples[0].output;
    if (all_equal) {
      ++st.constant;
      continue;
    }
    const Behaviour b = analyse_behaviour(c.program, *ctx.probes);
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

ChunkComputer::ChunkComputer(const GeneratorOptions& opts, const ProbeSet& probes)
    : opts_(opts),
      probes_(probes),
      arena_(opts.threads > 0 ? opts.threads : tbb::task_arena::automatic) {}

std::vector<ChunkResult> ChunkComputer::compute(int length,
                                                const std::vector<std::uint64_t>& chunks) {
  const ChunkContext ctx{&opts_, &probes_, length};
  std::vector<ChunkResult> results(chunks.size());
  arena_.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, chunks.size(), 1), [&](const auto& r) {
      for (std::size_t i = r.begin(); i != r.end(); ++i) results[i] = run_chunk(ctx, chunks[i]);
    });
  });
  return results;
}

}  // namespace npeps
