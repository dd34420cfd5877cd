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

// What the enumerator has spent so far, over all its runs: the nodes of
// each length it searched whole (from length 1), and its node rate.
struct LengthCosts {
  std::vector<double> per_length;
  std::uint64_t nodes = 0;    // finished runs
  double seconds = 0;         // finished runs
  std::uint64_t partial = 0;  // nodes into the length the last run did not finish

  int searched() const { return static_cast<int>(per_length.size()); }

  // Predicted seconds to search the next length whole, given the current
  // run's nodes and time so far.
  double next_s(std::uint64_t run_nodes, double run_s) const {
    const std::size_t n = per_length.size();
    const double last = n >= 1 ? per_length[n - 1] : 0;
    const double before = n >= 2 ? per_length[n - 2] : 0;
    const double growth = before > 0 ? std::clamp(last / before, 2.0, 1000.0) : 100.0;
    const double all_nodes = static_cast<double>(nodes + run_nodes);
    const double all_s = seconds + run_s;
    const double rate = all_nodes > 0 ? all_nodes / std::max(all_s, 1e-6) : 1e7;
    return std::max(std::max(last, 1.0) * growth, static_cast<double>(partial)) / rate;
  }
};

// One enumerator run from the first length not yet searched whole, until
// `deadline`; after each length, `next_deadline(predicted seconds of the
// next length)` gives the run's new deadline (a past time stops it).
SearchResult enumerate_on(const std::vector<Example>& examples, const SearchLimits& limits,
                          const ExhaustivePhaseOptions& o, Clock::time_point deadline,
                          LengthCosts& costs,
                          const std::function<Clock::time_point(double)>& next_deadline) {
  EnumeratorOptions eo;
  eo.max_length = o.max_length;
  eo.min_length = costs.searched() + 1;
  SearchLimits l = limits;
  l.deadline = std::min(limits.deadline, deadline);
  const Clock::time_point t0 = Clock::now();
  std::uint64_t before = 0;  // this run's nodes when its last length ended
  eo.after_length = [&](int, std::uint64_t nodes) {
    costs.per_length.push_back(static_cast<double>(nodes - before));
    before = nodes;
    costs.partial = 0;
    return next_deadline(costs.next_s(nodes, seconds(Clock::now() - t0)));
  };
  SearchResult r = enumerate(examples, eo, l);
  costs.nodes += r.stats.nodes;
  costs.seconds += r.stats.time_s;
  costs.partial = r.stats.nodes - before;
  return r;
}

// The focus run: the enumerator over `focus` alone (in its order), from
// the first length not searched whole, for focus_share of the time left. It
// leaves `costs` alone: its lengths are not searched whole.
SearchResult focus_run(const std::vector<Example>& examples, const SearchLimits& limits,
                       const ExhaustivePhaseOptions& o, const LengthCosts& costs,
                       const std::vector<OperatorId>& focus) {
  std::vector<bool> taken(kNumOperators, false);
  EnumeratorOptions eo;
  for (const OperatorId id : focus)
    if (id < kNumOperators && !taken[id]) {
      taken[id] = true;
      eo.operator_order.push_back(id);
    }
  eo.num_operators = static_cast<int>(eo.operator_order.size());
  if (eo.num_operators == 0 || eo.num_operators == kNumOperators) return {};
  for (int id = 0; id < kNumOperators; ++id)
    if (!taken[id]) eo.operator_order.push_back(static_cast<OperatorId>(id));
  eo.max_length = o.max_length;
  eo.min_length = costs.searched() + 1;
  SearchLimits l = limits;
  const Clock::time_point now = Clock::now();
  l.deadline =
      std::min(limits.deadline, after(now, o.focus_share * seconds(limits.deadline - now)));
  return enumerate(examples, eo, l);
}

bool out_of_time(const SearchLimits& limits) {
  return (limits.cancel && limits.cancel->load()) || Clock::now() >= limits.deadline;
}

SearchResult shared_by_time(const std::vector<Example>& examples, const SearchLimits& limits,
                            const ExhaustivePhaseOptions& o,
                            const std::function<SearchResult(const SearchLimits&)>& guided) {
  const Clock::time_point start = Clock::now();
  const double budget_s = seconds(limits.deadline - start);
  LengthCosts costs;
  SearchResult out;
  const auto finish = [&](SearchResult r) {
    out.stats += r.stats;
    out.program = std::move(r.program);
    out.stats.time_s = seconds(Clock::now() - start);
    return out;
  };

  // 1. The cheap lengths.
  const double cheap_s = o.cheap_share * budget_s;
  SearchResult r =
      enumerate_on(examples, limits, o, after(start, cheap_s), costs, [&](double next) {
        return seconds(Clock::now() - start) + next <= cheap_s ? after(start, cheap_s)
                                                               : Clock::now();
      });
  if (r.solved() || out_of_time(limits)) return finish(std::move(r));
  out.stats += r.stats;

  // 2. The guided search's first share.
  SearchLimits first = limits;
  first.deadline = std::min(limits.deadline, after(Clock::now(), o.guided_share * budget_s));
  r = guided(first);
  if (r.solved() || out_of_time(limits)) return finish(std::move(r));
  out.stats += r.stats;

  // 3. The enumerator again, from the first length it has not searched
  // whole, to the deadline: first over the focus operators alone, if any.
  if (costs.searched() < o.max_length && o.focus_operators) {
    r = focus_run(examples, limits, o, costs, o.focus_operators());
    if (r.solved() || out_of_time(limits)) return finish(std::move(r));
    out.stats += r.stats;
  }
  if (costs.searched() < o.max_length) {
    r = enumerate_on(examples, limits, o, limits.deadline, costs,
                     [&](double) { return limits.deadline; });
    if (r.solved() || out_of_time(limits)) return finish(std::move(r));
    out.stats += r.stats;
  }

  // 4. Every length searched: the guided search with the rest.
  return finish(guided(limits));
}

}  // namespace

std::vector<OperatorId> operators_used(std::span<const Program> programs) {
  std::vector<int> uses(kNumOperators, 0);
  for (const Program& p : programs)
    for (const Statement& s : p.statements)
      if (s.op < kNumOperators) uses[s.op] += 1;
  std::vector<OperatorId> out;
  for (int id = 0; id < kNumOperators; ++id)
    if (uses[id] > 0) out.push_back(static_cast<OperatorId>(id));
  std::stable_sort(out.begin(), out.end(),
                   [&](OperatorId a, OperatorId b) { return uses[a] > uses[b]; });
  return out;
}

SearchResult exhaustive_then(const std::vector<Example>& examples, const SearchLimits& limits,
                             const ExhaustivePhaseOptions& o,
                             const std::function<SearchResult(const SearchLimits&)>& guided) {
  if (!o.enabled) return guided(limits);
  if (limits.deadline != Clock::time_point::max())
    return shared_by_time(examples, limits, o, guided);

  // No deadline: the enumerator first, for a share of the nodes (a node
  // budget alone, as in deterministic runs) or a fixed time (no limit at
  // all: it may not finish its lengths), then the guided search.
  const Clock::time_point start = Clock::now();
  const bool counted = limits.max_nodes != SearchLimits{}.max_nodes;
  EnumeratorOptions eo;
  eo.max_length = o.max_length;
  SearchLimits enum_limits = limits;
  if (counted)
    enum_limits.max_nodes = static_cast<std::uint64_t>(
        std::ceil(static_cast<double>(limits.max_nodes) * o.partial_share));
  else
    enum_limits.deadline = after(start, o.unlimited_enum_s);
  SearchResult first = enumerate(examples, eo, enum_limits);
  SearchLimits rest = limits;
  if (counted)
    rest.max_nodes =
        limits.max_nodes > first.stats.nodes ? limits.max_nodes - first.stats.nodes : 0;
  if (first.solved() || (limits.cancel && limits.cancel->load()) || rest.max_nodes == 0) {
    first.stats.time_s = seconds(Clock::now() - start);
    return first;
  }
  SearchResult second = guided(rest);
  second.stats += first.stats;
  second.stats.time_s = seconds(Clock::now() - start);
  return second;
}

}  // namespace npeps
