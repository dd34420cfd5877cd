// The gather-sum loops (models/bag_sum.h) against plain sums, at widths with
// and without a tail past the vector width. The loader picks the AVX2 copy
// on CPUs that have it, so on such a CPU this checks that copy.
#include "models/bag_sum.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace npeps {
namespace {

TEST(GatherSum, EqualsThePlainSumInTheSameOrderBitForBit) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> value(-3.0f, 3.0f);
  for (const std::int64_t w : {1, 7, 37, 64, 760}) {
    const std::int64_t table_rows = 9, rows = 13, k = 12;
    std::vector<float> table(static_cast<std::size_t>(table_rows * w));
    for (float& x : table) x = value(rng);
    std::vector<std::int64_t> index(static_cast<std::size_t>(rows * k));
    for (auto& i : index) i = static_cast<std::int64_t>(rng() % table_rows);
    std::vector<float> out(static_cast<std::size_t>(rows * w), 99.0f);
    gather_sum(table.data(), index.data(), rows, k, w, out.data());
    for (std::int64_t r = 0; r < rows; ++r)
      for (std::int64_t c = 0; c < w; ++c) {
        float want = table[static_cast<std::size_t>(index[r * k] * w + c)];
        for (std::int64_t j = 1; j < k; ++j)
          want += table[static_cast<std::size_t>(index[r * k + j] * w + c)];
        ASSERT_EQ(want, out[static_cast<std::size_t>(r * w + c)]) << "w " << w << " row " << r;
      }
  }
}

TEST(ScatterAdd, AddsEachRowsGradientToItsTableRows) {
  const std::int64_t w = 3;
  const std::vector<float> grad{1, 2, 3, 10, 20, 30};  // 2 rows
  const std::vector<std::int64_t> index{0, 2, 2, 2};   // k = 2
  std::vector<float> table(9, 0.0f);
  scatter_add(grad.data(), index.data(), 2, 2, w, table.data());
  EXPECT_EQ((std::vector<float>{1, 2, 3, 0, 0, 0, 21, 42, 63}), table);
}

}  // namespace
}  // namespace npeps
