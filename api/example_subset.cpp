#include "api/example_subset.h"

#include <chrono>
#include <limits>
#include <numeric>
#include <optional>

#include "dsl/examples_check.h"

namespace npeps {
namespace {

bool budget_spent(const SearchLimits& limits, std::uint64_t nodes) {
  return Clock::now() >= limits.deadline || nodes >= limits.max_nodes ||
         (limits.cancel && limits.cancel->load(std::memory_order_relaxed));
}

}  // namespace

SearchResult solve_on_subsets(Solver& solver, const std::vector<Example>& examples,
                              const SearchLimits& limits) {
  constexpr std::size_t k = kMaxExamples;
  if (examples.size() <= k) return solver.solve(examples, limits);
  const auto start = Clock::now();
  std::vector<std::size_t> chosen(k);  // indices into examples
  std::iota(chosen.begin(), chosen.end(), std::size_t{0});
  std::vector<Example> subset;
  // Counterexamples fill the slots from the last one down, then replace
  // the oldest counterexample: the slot before the last one filled, cyclically.
  std::size_t next = k;
  SearchResult out;
  for (std::size_t round = 0; round < 2 * examples.size(); ++round) {
    subset.clear();
    for (std::size_t i : chosen) subset.push_back(examples[i]);
    SearchLimits l = limits;
    if (limits.max_nodes != std::numeric_limits<std::uint64_t>::max())
      l.max_nodes = limits.max_nodes - out.stats.nodes;  // < max_nodes: checked below
    const SearchResult r = solver.solve(subset, l);
    out.stats += r.stats;
    if (!r.program) break;
    std::optional<std::size_t> failing;
    for (std::size_t e = 0; e < examples.size() && !failing; ++e)
      if (!satisfies(*r.program, {examples[e]})) failing = e;
    if (!failing) {
      out.program = r.program;
      break;
    }
    if (budget_spent(limits, out.stats.nodes)) break;
    next = (next + k - 1) % k;
    chosen[next] = *failing;
  }
  out.stats.time_s = std::chrono::duration<double>(Clock::now() - start).count();
  return out;
}

}  // namespace npeps
