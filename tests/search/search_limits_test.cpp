// SearchLimits::with_timeout: huge budgets mean "no deadline", never an
// overflowed deadline in the past (issue 12, defect 2).
#include <gtest/gtest.h>

#include <limits>

#include "search/search_result.h"

namespace npeps {
namespace {

TEST(SearchLimits, HugeTimeoutsMeanNoDeadline) {
  for (double s :
       {std::numeric_limits<double>::infinity(), 1e10, 1e308, SearchLimits::kNoLimitSeconds})
    EXPECT_EQ(SearchLimits::with_timeout(s).deadline, Clock::time_point::max()) << s;
}

TEST(SearchLimits, OrdinaryTimeoutIsAFutureDeadline) {
  const Clock::time_point before = Clock::now();
  const SearchLimits l = SearchLimits::with_timeout(9.1e8);
  EXPECT_GT(l.deadline, before + std::chrono::hours(24 * 365 * 28));
  EXPECT_LT(l.deadline, Clock::time_point::max());
  const SearchLimits one = SearchLimits::with_timeout(1.0);
  EXPECT_GE(one.deadline, before + std::chrono::seconds(1));
  EXPECT_LE(one.deadline, Clock::now() + std::chrono::seconds(1));
}

}  // namespace
}  // namespace npeps
