// The memory cap: a beam search that would take the process past
// SearchLimits::max_memory_bytes stops with stats.memory_capped instead of
// growing until the OS kills it (issue 12).
#include "search/memory_cap.h"

#include <gtest/gtest.h>

#include "search/beam_search.h"
#include "search/policy.h"

namespace npeps {
namespace {

// The same input with two different outputs: no program solves it, so
// CAB keeps doubling its beam until a limit trips.
std::vector<Example> unsolvable() {
  const Value in = Value::list({1, 2, 3});
  return {Example{{in}, Value::integer(5)}, Example{{in}, Value::integer(6)}};
}

TEST(MemoryCap, ReadsTheResidentSize) {
  EXPECT_GT(resident_bytes(), 1u << 20);
  EXPECT_GT(default_memory_cap(), 0u);
  EXPECT_FALSE(would_exceed_memory_cap(0, std::size_t{1} << 60));  // 0: no cap
  EXPECT_TRUE(would_exceed_memory_cap(1, 0));
  EXPECT_FALSE(would_exceed_memory_cap(resident_bytes() * 4, 0));
  EXPECT_TRUE(would_exceed_memory_cap(resident_bytes() * 4, resident_bytes() * 4));
}

TEST(MemoryCap, BeamEntryBoundGrowsWithExamplesAndWidth) {
  EXPECT_GT(beam_entry_bytes(5, 10, 12), beam_entry_bytes(1, 10, 12));
  EXPECT_GT(beam_entry_bytes(5, 0, 12), beam_entry_bytes(5, 10, 12));
  // The documented ~1 GB at the widest default beam (102,400, 5 examples).
  const double gb = 102400.0 * static_cast<double>(beam_entry_bytes(5, 10, 12)) / 1e9;
  EXPECT_GT(gb, 0.5);
  EXPECT_LT(gb, 2.0);
}

TEST(MemoryCap, BeamSearchStopsAtTheCapWithAStatus) {
  UniformPolicy policy;
  BeamSearchOptions o;
  SearchLimits limits;
  limits.max_nodes = 3'000'000;  // what an uncapped run may do
  const std::size_t entry = beam_entry_bytes(2, o.initial_width, o.max_depth);
  // Room for the first beams (100, 200) but not for the 800-wide one.
  limits.max_memory_bytes = resident_bytes() + 700 * entry;
  const SearchResult capped = beam_search(unsolvable(), policy, o, limits);
  EXPECT_TRUE(capped.stats.memory_capped);
  EXPECT_FALSE(capped.solved());
  EXPECT_GT(capped.stats.nodes, 0u);
  EXPECT_LT(capped.stats.nodes, limits.max_nodes);
  // A cap below what the process already holds stops before any node.
  limits.max_memory_bytes = 1;
  const SearchResult none = beam_search(unsolvable(), policy, o, limits);
  EXPECT_TRUE(none.stats.memory_capped);
  EXPECT_EQ(none.stats.nodes, 0u);
  // Without a cap the same search runs into its node budget.
  limits.max_memory_bytes = 0;
  limits.max_nodes = capped.stats.nodes + 1000;
  const SearchResult free_run = beam_search(unsolvable(), policy, o, limits);
  EXPECT_FALSE(free_run.stats.memory_capped);
  EXPECT_EQ(free_run.stats.nodes, limits.max_nodes);
}

}  // namespace
}  // namespace npeps
