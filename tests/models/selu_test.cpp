// The dense layers' SELU loop (models/selu.h) against torch's selu and the
// C library's exp.
#include "models/selu.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

namespace npeps {
namespace {

TEST(SeluExp, WithinThreeUlpOfExpOnTheNonPositiveRange) {
  double worst = 0;
  for (int i = 0; i <= 200000; ++i) {
    const float x = -87.0f * static_cast<float>(i) / 200000.0f;
    const double want = std::exp(static_cast<double>(x));
    worst = std::max(worst, std::abs(selu_exp(x) - want) / want);
  }
  EXPECT_LT(worst, 3 * 5.97e-8);  // 3 ulp of a float near 1 (2^-24 each)
  EXPECT_EQ(1.0f, selu_exp(0.0f));
  EXPECT_GT(selu_exp(-87.3f), 0.0f);
  EXPECT_GE(selu_exp(-1000.0f), 0.0f);  // clamped, no garbage
  EXPECT_LT(selu_exp(-1000.0f), 1e-37f);
}

TEST(SeluRows, MatchesTorchsSeluOnStridedRows) {
  torch::manual_seed(11);
  const torch::Tensor src = torch::randn({9, 40}) * 4;
  const torch::Tensor pre = src.narrow(1, 3, 29);  // row stride 40
  torch::Tensor out = torch::full({9, 50}, 7.0f);
  torch::Tensor h = out.narrow(1, 10, 29);  // row stride 50
  selu_rows(pre.data_ptr<float>(), pre.stride(0), h.data_ptr<float>(), h.stride(0), 9, 29);
  const torch::Tensor want = torch::selu(pre);
  EXPECT_LT((h - want).abs().max().item<float>(), 1e-6f);
  EXPECT_TRUE(torch::equal(h.select(1, 0) > 0, pre.select(1, 0) > 0));
  // Columns outside the view untouched.
  EXPECT_TRUE(out.narrow(1, 0, 10).eq(7.0f).all().item<bool>());
  EXPECT_TRUE(out.narrow(1, 39, 11).eq(7.0f).all().item<bool>());
}

}  // namespace
}  // namespace npeps
