// Complete where completeness is cheap: the enumerator first, a guided
// search with the time it leaves.
//
// A guided beam search keeps the statements its policy ranks highest, so a
// short program whose statements the policy ranks low is never tried,
// although the enumerator would have found it in microseconds. Every
// guided method of the default configuration therefore starts with an
// exhaustive phase: the enumerator (search/enumerator.h) searches lengths
// 1, 2, ... while the next length is predicted to finish within
// `full_share` of the budget (prediction: the node count grows by the same
// factor as from the previous length to the last, at the node rate measured
// so far). When it is not, the enumerator still searches into that length
// for `partial_share` of the time left, then hands over: the guided search
// runs with the rest of the budget. Under a node budget alone the
// enumerator gets partial_share of the nodes; with no limit at all it gets
// unlimited_enum_s seconds.
#pragma once

#include <functional>
#include <vector>

#include "dsl/program.h"
#include "search/search_result.h"

namespace npeps {

struct ExhaustivePhaseOptions {
  bool enabled = true;  // false: the guided method alone (paper-faithful)
  double full_share =
      0.6;  // a length predicted to end within this share of the budget is searched whole
  double partial_share =
      0.5;              // otherwise, the share of the time left spent in it before handing over
  int max_length = 12;  // longest program the enumerator tries
  double unlimited_enum_s = 5;  // the enumerator's time when the search has no limit
};

// Runs the exhaustive phase, then `guided` (given the limits left) unless
// it found a program. Stats add up over both phases.
SearchResult exhaustive_then(const std::vector<Example>& examples, const SearchLimits& limits,
                             const ExhaustivePhaseOptions& options,
                             const std::function<SearchResult(const SearchLimits&)>& guided);

}  // namespace npeps
