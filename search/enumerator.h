// Model-free enumerative synthesis (`--method enum`): iterative-deepening
// depth-first search over straight-line programs, executing each new
// statement incrementally on every example and pruning by types, unused
// variables, observational equivalence and the order of independent
// statements (EnumeratorOptions::canonical_order).
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <vector>

#include "dsl/program.h"
#include "search/search_result.h"

namespace npeps {

struct EnumeratorOptions {
  // Longest program tried, in statements (1..kMaxEnumLength). Programs are
  // tried by increasing length, so the first one found is a shortest one.
  int max_length = 12;
  // Shortest program tried (1..max_length): a caller that already searched
  // the shorter lengths (search/exhaustive_phase.h) resumes here.
  int min_length = 1;
  // The order in which every statement tries the operators: empty for
  // operator id order, else a permutation of all kNumOperators ids (e.g.
  // the focus run's, search/exhaustive_phase.h). Any order searches each
  // length completely; only which program is found first changes.
  std::vector<OperatorId> operator_order;
  // Statements use only the first num_operators operators of that order
  // (id order when it is empty); 0: all of them. A restricted search is
  // complete only over programs of those operators: it reaches longer
  // programs in the same time (DeepCoder's search over a predicted set of
  // functions; search/exhaustive_phase.h's focus run).
  int num_operators = 0;
  // Demand that every input be used by some statement. Programs in the
  // PCCoder/N-PEPS datasets use all their inputs, and the pruning this
  // allows is large for 2- and 3-input tasks; turn it off for tasks whose
  // solution may ignore an input (then such inputs are never required).
  bool require_inputs_used = true;
  // Search each set of interchangeable statement orders once. Two
  // statements that do not use each other's results can come in either
  // order, and a program with k such statements has up to k! orders that
  // compute the same values. With this on, a statement must rank after
  // every statement placed since the last one whose result it uses. A
  // statement's rank is its operator's place in operator_order, then a
  // hash of its expression: neither depends on where the statements
  // stand. Each program keeps exactly one of its orders (ties keep both),
  // the one the search reaches first (up to two statements of one
  // operator), so every length is still searched completely, in about half
  // the nodes at length 5, and the first program found is almost always
  // the same as without it. Off: every order (the enumerator before
  // 2026-12-03).
  bool canonical_order = true;
  // Called after each length is searched without success, with that length
  // and the nodes spent so far; returns the deadline for the rest of the
  // search (the earlier of it and limits.deadline applies; a past time
  // stops the search). Lets a caller hand over to another method once the
  // next length would cost too much (search/exhaustive_phase.h).
  std::function<Clock::time_point(int length, std::uint64_t nodes)> after_length;
};

inline constexpr int kMaxEnumLength = 32;  // largest accepted max_length

// Malformed examples or options: no examples, more than kMaxExamples (10),
// 0 or more than 3 inputs, NULL inputs, input types that differ between
// examples, max_length outside 1..kMaxEnumLength, min_length outside
// 1..max_length, num_operators outside 0..kNumOperators, an operator_order that is not a
// permutation of every operator id.
struct EnumeratorError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Searches for a program satisfying all examples; returns the first found,
// which is a shortest one (subject to opts.require_inputs_used) and is
// checked with satisfies(). stats.nodes counts statements executed on all
// examples (a candidate abandoned at its first failing or mismatching
// example counts as one node); stats.time_s is the wall time.
//
// Limits: stops within ~50 ms of limits.deadline (the clock and the cancel
// flag are read every 1,024 nodes) and after exactly limits.max_nodes nodes.
// Deterministic: without a deadline or cancel, the same examples and options
// give the same program and node count.
// Thread-safe: no shared state; call it from any number of threads at once.
// Throws EnumeratorError on malformed examples or options.
SearchResult enumerate(const std::vector<Example>& examples, const EnumeratorOptions& opts,
                       const SearchLimits& limits);

}  // namespace npeps
