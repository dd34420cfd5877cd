#include <gtest/gtest.h>

#include "bench/stats.h"

namespace npeps {
namespace {

TEST(Paired, McNemarExactPValue) {
  EXPECT_DOUBLE_EQ(mcnemar_exact_p(0, 0), 1.0);
  EXPECT_NEAR(mcnemar_exact_p(10, 0), 2.0 / 1024, 1e-12);
  EXPECT_NEAR(mcnemar_exact_p(0, 10), 2.0 / 1024, 1e-12);
  // 14 against 5: 2 * sum_{i<=5} C(19, i) / 2^19 = 2 * 16,664 / 524,288.
  EXPECT_NEAR(mcnemar_exact_p(14, 5), 2.0 * 16664 / 524288, 1e-12);
  EXPECT_DOUBLE_EQ(mcnemar_exact_p(7, 7), 1.0);  // capped at 1
  EXPECT_GT(mcnemar_exact_p(600, 500), 0.0);     // no underflow to 0 on large counts
  EXPECT_LT(mcnemar_exact_p(600, 500), 0.01);
}

TEST(Paired, PairedComparisonMatchesTasksByIndex) {
  std::vector<BenchRow> a, b;
  const bool sa[] = {true, true, false, true, false};
  const bool sb[] = {true, false, true, false, false};
  auto solved_row = [](std::size_t index, bool solved) {
    BenchRow r;
    r.index = index;
    r.solved = solved;
    return r;
  };
  for (std::size_t i = 0; i < 5; ++i) {
    a.push_back(solved_row(i, sa[i]));
    b.push_back(solved_row(4 - i, sb[4 - i]));  // another order
  }
  b.pop_back();  // task 0 only on one side: ignored
  const Paired p = paired_comparison(a, b);
  EXPECT_EQ(p.only_a, 2u);  // tasks 1 and 3
  EXPECT_EQ(p.only_b, 1u);  // task 2
  EXPECT_DOUBLE_EQ(p.p_value, mcnemar_exact_p(2, 1));
}

}  // namespace
}  // namespace npeps
