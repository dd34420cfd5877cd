// SearchStats::operator+=: how the phases of one search add their counts.
#include <gtest/gtest.h>

#include "search/search_result.h"

namespace npeps {
namespace {

TEST(SearchStats, AddingSumsCountsAndKeepsTheMemoryCapFlag) {
  SearchStats a;
  a.nodes = 10;
  a.checks = 2;
  a.model_calls = 3;
  a.model_states = 300;
  a.time_s = 1.5;
  SearchStats b;
  b.nodes = 5;
  b.checks = 7;
  b.model_calls = 1;
  b.model_states = 100;
  b.time_s = 4.0;
  b.memory_capped = true;
  a += b;
  EXPECT_EQ(a.nodes, 15u);
  EXPECT_EQ(a.checks, 9u);
  EXPECT_EQ(a.model_calls, 4u);
  EXPECT_EQ(a.model_states, 400u);
  EXPECT_TRUE(a.memory_capped);
  EXPECT_EQ(a.time_s, 1.5);  // the caller's: runs may overlap in time
  a += SearchStats{};
  EXPECT_TRUE(a.memory_capped);  // a later run without the cap does not clear it
}

}  // namespace
}  // namespace npeps
