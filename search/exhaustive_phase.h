// Complete where completeness is cheap: the enumerator and a guided search
// share the budget.
//
// A guided beam search keeps the statements its policy ranks highest, so a
// short program whose statements the policy ranks low is never tried,
// although the enumerator would have found it in microseconds. Every
// guided method of the default configuration therefore shares its budget
// with the enumerator (search/enumerator.h), in up to four steps:
//   1. the enumerator searches lengths 1, 2, ... while the next length is
//      predicted to end within `cheap_share` of the budget;
//   2. the guided search runs for `guided_share` of the budget: a guided
//      search finds what it finds early (measured on the long suites, most
//      of its solutions come within its first second) ...
//   3. ... while the enumerator finds programs at a steady rate, length by
//      length: it resumes at the first length it has not searched whole,
//      and keeps going to the deadline while its next length is predicted
//      to end within `overrun` times the time left; a length predicted to
//      take longer it searches for `partial_share` of the time left (the
//      prediction is rough, and the first programs of a length come early);
//   4. the guided search runs again with the rest.
// Prediction: the node count grows by the same factor as from the
// previous length to the last, at the enumerator's node rate so far.
// Under a node budget alone the enumerator gets partial_share of the nodes
// first; with no limit at all it gets unlimited_enum_s seconds first.
#pragma once

#include <functional>
#include <vector>

#include "dsl/program.h"
#include "search/search_result.h"

namespace npeps {

struct ExhaustivePhaseOptions {
  bool enabled = true;          // false: the guided method alone (paper-faithful)
  double cheap_share = 0.05;    // step 1: lengths predicted to end within this share
  double guided_share = 0.2;    // step 2: the guided search's first share of the budget
  double overrun = 2.0;         // step 3: next length predicted within overrun x time left
  double partial_share = 0.5;   // step 3: share of the time left for a longer one; under a
                                // node budget alone: the enumerator's share of the nodes
  int max_length = 12;          // longest program the enumerator tries
  double unlimited_enum_s = 5;  // the enumerator's time when the search has no limit
};

// Runs the enumerator and `guided` (given the limits of each of its runs)
// as above, until one finds a program or the limits end. Stats add up over
// every run.
SearchResult exhaustive_then(const std::vector<Example>& examples, const SearchLimits& limits,
                             const ExhaustivePhaseOptions& options,
                             const std::function<SearchResult(const SearchLimits&)>& guided);

}  // namespace npeps
