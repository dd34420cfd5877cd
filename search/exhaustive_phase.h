// Complete where completeness is cheap: the enumerator and a guided search
// share the budget.
//
// A guided beam search keeps the statements its policy ranks highest, so a
// short program whose statements the policy ranks low is never tried,
// although the enumerator would have found it in microseconds. Every
// guided method of the default configuration therefore shares its budget
// with the enumerator (search/enumerator.h), in up to four steps:
//   1. the enumerator searches lengths 1, 2, ... while the next length is
//      predicted to end within `cheap_share` of the budget (prediction: the
//      node count grows by the same factor as from the previous length to
//      the last, at the node rate so far);
//   2. the guided search runs for `guided_share` of the budget: what a
//      guided search finds on a task enumeration cannot finish, it mostly
//      finds early (docs/results: on the long suites, within 0.5 s;
//      the N-PEPS methods run their PE phase in this share too);
//   3. the enumerator resumes at the first length it has not searched
//      whole (for a share of the time only over the operators the method
//      expects, when it names them: the focus run below) and runs to the
//      deadline in operator id order: past its cheap lengths it finds
//      programs at a steady rate, and on every suite measured the tasks it
//      solves late outnumber those a longer guided search adds (until
//      2026-12-03 it tried operators in the order of the method's policy,
//      interleaved with id order; README "Independent statements in one
//      order");
//   4. if it searched every length up to max_length, the guided search
//      runs again with the rest.
// Under a node budget alone the enumerator gets partial_share of the nodes
// first; with no limit at all it gets unlimited_enum_s seconds first.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "dsl/program.h"
#include "search/search_result.h"

namespace npeps {

struct ExhaustivePhaseOptions {
  bool enabled = true;          // false: the guided method alone (paper-faithful)
  double cheap_share = 0.05;    // step 1: lengths predicted to end within this share
  // Step 2: the guided search's share of the budget. 0.2 since 2026-12-02:
  // on 210 validation tasks (lengths 8-14) it solved more than 0.1 with
  // every guided method measured (the PE methods, whose step 2 also holds
  // their PE phase, +5; pccoder +2; README "The exhaustive phase").
  double guided_share = 0.2;
  double partial_share = 0.5;  // node budget alone: the enumerator's share of the nodes
  // Step 3 opens with a focus run when this gives operators (fewer than
  // all): the enumerator over those operators alone (the N-PEPS methods
  // give their PE solutions'), from the first length not searched whole,
  // for focus_share of the time left. Restricted to a few operators it
  // reaches programs several statements longer in the same time; the full
  // enumerator then resumes where it stood. Asked for once, after step 2,
  // under a deadline only (a node budget alone runs no focus run).
  // 0.25: on 210 validation tasks (lengths 8-14) the PE solutions' focus
  // run at 0.25 solved mean-peps 166 and npeps 168 against 158 and 156
  // without it (paired 8/0, 12/0); at 0.5, 164 each (README "The focus run").
  std::function<std::vector<OperatorId>()> focus_operators;
  double focus_share = 0.25;
  int max_length = 12;          // longest program the enumerator tries
  double unlimited_enum_s = 5;  // the enumerator's time when the search has no limit
};

// The operators that `programs` use, each once, the most used (counted over
// their statements) first, ties by id: the N-PEPS methods' focus
// operators, from their PE solutions (a program that satisfies one example
// often shares its operators with one that satisfies them all).
std::vector<OperatorId> operators_used(std::span<const Program> programs);

// Runs the enumerator and `guided` (given the limits of each of its runs)
// as above, until one finds a program or the limits end. Stats add up over
// every run.
SearchResult exhaustive_then(const std::vector<Example>& examples, const SearchLimits& limits,
                             const ExhaustivePhaseOptions& options,
                             const std::function<SearchResult(const SearchLimits&)>& guided);

}  // namespace npeps
