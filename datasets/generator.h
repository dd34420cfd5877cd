// Random programs with example inputs, found by propagating value-range
// constraints backward from the output (datasets/constraints.h) and
// deduplicated by behaviour signature (datasets/behaviour.h).
//
// A program of length L has 1..max_inputs inputs (at least one LIST; LIST
// inputs first, as in PCCoder) and L statements, each a uniformly chosen
// function and lambda applied to earlier variables of the right types;
// every statement uses at least one not-yet-used variable, every input and
// intermediate is used by a later statement, and no statement repeats.
// Options broaden the distribution for training (all off by default, and
// then the output is what it always was for a seed): per-example input
// value scales, a varying number of examples per task, and a selection
// that makes the kept programs use functions and lambdas near-uniformly
// (`balanced`).
//
// A candidate is dropped when (counts in GeneratorStats):
//  - num_examples examples with distinct inputs, running without failing
//    and with a non-NULL output, are not found in example_attempts draws
//    (PCCoder drops NULL outputs and duplicate examples the same way);
//  - all its example outputs are equal, or its output is constant on the
//    probes (PCCoder keeps these; they teach nothing);
//  - reject_redundant and some statement's value is constant or repeats an
//    earlier variable on every probe (e.g. SORT of a sorted list, MAP *2
//    then MAP /2): a shorter program does the same;
//  - its behaviour signature equals an excluded task's program's or an
//    already-kept program's (any length; lengths run in increasing order);
//  - `balanced` and its operators are over-used so far (datasets/op_balance.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <vector>

#include "datasets/constraints.h"
#include "datasets/task.h"

namespace npeps {

struct GeneratorOptions {
  std::vector<int> lengths = {4};  // program lengths (statements), 1..32; run in increasing order
  std::size_t programs_per_length = 1000;  // deduplicated programs wanted per length
  int max_inputs = 3;                      // inputs per program, 1..3
  int num_examples = 5;                    // examples per program, 1..10 (the most)
  // 0: every task has num_examples examples. 1..num_examples: each task's
  // count is drawn uniformly in [min_examples, num_examples].
  int min_examples = 0;
  // Input value scales. Empty: inputs range over their constraints alone.
  // Otherwise every draw of an example's inputs first picks one scale
  // uniformly, and list elements and INTs are drawn within the constraint
  // ranges intersected with it (an input the intersection would leave
  // without values keeps its unintersected range). mixed_value_scales()
  // is the training mixture.
  std::vector<IntRange> value_scales;
  // Keep candidates selectively by running operator counts
  // (datasets/op_balance.h) so that kept programs use each function, and
  // each lambda of a higher-order function, about equally often, as far
  // as the DSL's types allow.
  bool balanced = false;
  // How hard the balancer pushes (its acceptance exponent). Higher: closer
  // to uniform, more candidates drawn per kept program. Measured at
  // lengths 4 / 12 (function max/min, candidates per kept program against
  // the plain generator): 16 gives 2.2 / 3.6 against 4.3 / 6.4, at 3.6x /
  // 8.5x the candidates; 8 gives 2.6 / 4.3 at 2.2x / 3.7x (README).
  double balance_strength = 16.0;
  std::uint64_t seed = 1;  // same seed and options -> same output, whatever `threads`
  int threads = 0;         // TBB worker threads; 0 = all cores
  // Programs whose behaviour matches one of these tasks' programs are
  // excluded (keeps a test split disjoint from a training split). Tasks
  // without a program are ignored. Not owned; must outlive generate().
  const std::vector<Task>* exclude = nullptr;
  // Called on the calling thread after each batch with (programs done,
  // programs wanted over all lengths).
  std::function<void(std::size_t, std::size_t)> progress;
  int example_attempts = 200;  // input draws per program before it is given up (PCCoder: 200)
  // false: forward sampling (inputs drawn without looking at the program:
  // lists of input_min_length..20 elements anywhere in [-256, 255], or
  // within the value scale; INTs in [0, index_max]), then kept when they
  // run; a different generator from the constraint-propagating one.
  bool use_constraints = true;
  ConstraintOptions constraints;  // index ranges and input list lengths
  int probes = 256;               // probe inputs per input-type signature (behaviour signatures)
  bool reject_redundant = true;   // drop programs with a constant or repeated intermediate value
  // A length stops early (with fewer programs) after this many batches in a
  // row add nothing: its space is exhausted (length 1 has few programs).
  int stall_batches = 8;
  // A batch whose new programs are fewer than this fraction of its
  // candidates counts as stalled too: near exhaustion (length 2) new
  // behaviours trickle in one by one and collecting them all takes forever.
  double min_new_fraction = 0.002;
};

// Why candidates were dropped, per length (index i is opts.lengths sorted).
struct LengthStats {
  int length = 0;
  std::size_t candidates = 0;    // random programs drawn
  std::size_t no_structure = 0;  // the random walk could not complete a program
  std::size_t no_examples = 0;   // not enough valid examples found
  std::size_t constant = 0;      // equal example outputs or constant on probes
  std::size_t redundant = 0;     // repeated or constant intermediate value
  std::size_t duplicate = 0;     // signature already kept
  std::size_t unbalanced = 0;    // passed over by the balancer (options.balanced)
  std::size_t excluded = 0;      // signature of an excluded task
  std::size_t kept = 0;
  std::size_t example_draws = 0;    // input tuples drawn and executed
  std::size_t example_accepts = 0;  // of those, kept as examples
  // Fraction of drawn input tuples that gave a valid example.
  double example_acceptance() const {
    return example_draws ? static_cast<double>(example_accepts) / static_cast<double>(example_draws)
                         : 0.0;
  }
};

struct GeneratorStats {
  std::vector<LengthStats> lengths;
};

// The training mixture of value scales: [-256,255], [-128,127], [-64,63],
// [-50,50], [-10,10], [0,10].
std::vector<IntRange> mixed_value_scales();

// Sets the training mixture on `o`: mixed value scales, 1..5 examples per
// task, balanced operators (`npeps generate --mixture`).
void apply_training_mixture(GeneratorOptions& o);

// Invalid GeneratorOptions (what() names the field and the allowed range).
struct GeneratorError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Generates the programs: for each length, up to programs_per_length tasks
// with ids "L<length>-<index, 6 digits>", `program` set and examples it
// satisfies. Throws GeneratorError. `stats`, when given, is overwritten.
std::vector<Task> generate(const GeneratorOptions& opts, GeneratorStats* stats = nullptr);

// The per-example variants: one task per example, same program, id
// suffixed "/e<k>" with k the 0-based example index (what the PE model
// trains on).
std::vector<Task> per_example_variants(const std::vector<Task>& tasks);

}  // namespace npeps
