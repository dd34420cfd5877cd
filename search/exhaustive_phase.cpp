#include "search/exhaustive_phase.h"

#include <algorithm>
#include <cmath>

#include "search/enumerator.h"

namespace npeps {
namespace {

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

Clock::time_point after(Clock::time_point t, double s) {
  return t + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

}  // namespace

SearchResult exhaustive_then(const std::vector<Example>& examples, const SearchLimits& limits,
                             const ExhaustivePhaseOptions& o,
                             const std::function<SearchResult(const SearchLimits&)>& guided) {
  if (!o.enabled) return guided(limits);
  const Clock::time_point start = Clock::now();
  const bool timed = limits.deadline != Clock::time_point::max();
  const bool counted = limits.max_nodes != SearchLimits{}.max_nodes;
  const double budget_s = timed ? seconds(limits.deadline - start) : 0;

  EnumeratorOptions eo;
  eo.max_length = o.max_length;
  SearchLimits enum_limits = limits;
  // Nodes spent when each length ended. It must outlive the enumeration
  // below, whose after_length callback appends to it.
  std::vector<std::uint64_t> at_length{0};
  if (timed) {
    enum_limits.deadline = after(start, o.full_share * budget_s);
    eo.after_length = [&](int, std::uint64_t nodes) {
      at_length.push_back(nodes);
      const std::size_t n = at_length.size();
      const double last = static_cast<double>(at_length[n - 1] - at_length[n - 2]);
      const double before = n >= 3 ? static_cast<double>(at_length[n - 2] - at_length[n - 3]) : 0;
      const double growth = before > 0 ? std::clamp(last / before, 2.0, 1000.0) : 100.0;
      const double used = seconds(Clock::now() - start);
      const double rate = nodes > 0 ? static_cast<double>(nodes) / std::max(used, 1e-6) : 1e7;
      if (used + std::max(last, 1.0) * growth / rate <= o.full_share * budget_s)
        return after(start, o.full_share * budget_s);
      return after(Clock::now(), o.partial_share * (budget_s - used));
    };
  } else if (!counted) {
    // No limit at all: the enumerator may not finish its lengths; give it a
    // fixed time, then the guided search runs until it finds a program.
    enum_limits.deadline = after(start, o.unlimited_enum_s);
  } else {
    // A node budget alone (deterministic runs): a fixed share for the enumerator.
    enum_limits.max_nodes = static_cast<std::uint64_t>(
        std::ceil(static_cast<double>(limits.max_nodes) * o.partial_share));
  }
  SearchResult first = enumerate(examples, eo, enum_limits);
  if (first.solved()) {
    first.stats.time_s = seconds(Clock::now() - start);
    return first;
  }
  SearchLimits rest = limits;
  if (counted)
    rest.max_nodes =
        limits.max_nodes > first.stats.nodes ? limits.max_nodes - first.stats.nodes : 0;
  if ((limits.cancel && limits.cancel->load()) || Clock::now() >= limits.deadline ||
      rest.max_nodes == 0) {
    first.stats.time_s = seconds(Clock::now() - start);
    return first;
  }
  SearchResult second = guided(rest);
  second.stats.nodes += first.stats.nodes;
  second.stats.checks += first.stats.checks;
  second.stats.time_s = seconds(Clock::now() - start);
  return second;
}

}  // namespace npeps
