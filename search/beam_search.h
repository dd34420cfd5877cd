// PCCoder's Complete Anytime Beam search (CAB), guided by a Policy: beam
// searches of growing width over slot-form partial programs (see
// search/slot_state.h) until one yields a program satisfying every example
// or a limit trips. Model-free itself; the policy may be a network.
#pragma once

#include <stdexcept>
#include <vector>

#include "dsl/program.h"
#include "search/policy.h"
#include "search/search_result.h"

namespace npeps {

inline constexpr int kMaxBeamDepth = 32;  // largest accepted max_depth

struct BeamSearchOptions {
  // Beam width of the first beam search (PCCoder's cab_beam_size).
  int initial_beam = 100;
  // Each failed beam search is followed by one `beam_growth` times wider
  // (PCCoder doubles, so most paths of a new search are new). >= 2.
  int beam_growth = 2;
  // Widest beam tried; the search after which the beam would exceed it runs
  // at exactly max_beam, then CAB gives up. Memory grows with the beam:
  // about beam * (1298 * 4 bytes of policy scores + 2 * 11 * examples * 42
  // bytes of slot values), ~1 GB at 102,400 with 5 examples.
  int max_beam = 102400;
  // Statements tried per beam entry, the policy's best `width` among those
  // whose argument slots hold the right types (PCCoder's cab_width; PCCoder
  // also counts ill-typed ones, which a trained model ranks last anyway).
  // 0 = every well-typed statement.
  int initial_width = 10;
  // Added to the width after each failed beam search (PCCoder's cab_width_growth).
  int width_growth = 10;
  // Longest program, in statements (PCCoder's max_program_len), 1..kMaxBeamDepth.
  // Programs longer than 11 - inputs statements reuse slots named by the
  // policy's drop head.
  int max_depth = 12;
  // Skip a statement whose result equals, on every example, a value already
  // held in another slot (unless it is the answer): it adds nothing a
  // continuation could use. PCCoder keeps such statements; they waste beam.
  bool skip_duplicate_values = true;
  // One-step lookahead: before the policy scores a beam, every well-typed
  // statement that would extend an entry into a program of the output's
  // type is executed only to test it against the outputs (stats.checks),
  // so a solution is found one step early whatever its last statement's
  // rank, and the last depth needs no policy call. A test costs tens of
  // nanoseconds against ~100 us for a network state. PCCoder has no such
  // step (false reproduces it).
  bool lookahead = true;
};

// Malformed examples or options: no examples, more than kMaxExamples (10),
// 0 or more than 3 inputs, NULL inputs, input types or counts that differ
// between examples, or an option outside its documented range.
struct BeamSearchError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// CAB. Each beam search starts from the inputs; at every step the policy is
// called ONCE with the whole beam, each entry's candidate statements are its
// best `width` well-typed ones, scored parent score + statement
// log-probability (statements at -inf are never tried), and the best
// `beam` candidates that execute without failing on every example (and are
// not duplicates, see skip_duplicate_values) form the next beam. Candidates
// are executed lazily in score order, ties broken by parent rank then
// statement index. When all slots are full, the child overwrites the
// parent's occupied slot with the highest drop_logit (ties: lowest slot),
// as PCCoder's argmax does; no slot is exempt. A child whose new value
// equals every example's output is returned at once, as a variable-numbered
// program checked with satisfies(). CAB stops early when a beam search cut
// nothing (no width or beam truncation): a wider one would repeat it.
//
// With lookahead (the default), each beam is first tested for programs one
// statement longer, see BeamSearchOptions::lookahead.
//
// Stats: nodes = candidate statements executed (each run on the examples
// until it fails or all are done), checks = lookahead tests, model_calls = Policy::evaluate calls,
// model_states = entries scored, time_s = wall time.
// Limits: max_nodes is exact and counts nodes only (checks per entry are
// bounded by the statement space); the clock and the cancel flag are read before
// and after each policy call, every 64 entries while gathering candidates
// and every 1,024 nodes, so the overshoot is one policy call at most (a
// large beam's call can itself take long).
// Deterministic for the same examples, options and (deterministic) policy,
// deadline and cancel aside. Thread-safe apart from the policy: concurrent
// calls need distinct policies. Throws BeamSearchError on malformed input,
// std::logic_error when the policy's output has the wrong size.
SearchResult beam_search(const std::vector<Example>& examples, Policy& policy,
                         const BeamSearchOptions& opts, const SearchLimits& limits);

}  // namespace npeps
