// The CPU dense block (models/dense_block.h) at its edges: every parameter's
// gradient is written, also for a slot that holds no instance.
#include "models/dense_block.h"

#include <gtest/gtest.h>

#include <vector>

namespace npeps {
namespace {

TEST(DenseBlock, AnEmptyBatchGivesZeroGradientsNotStaleMemory) {
  torch::manual_seed(5);
  const std::int64_t v = 3, slots = 2;
  const std::vector<std::int64_t> width{4, 2};
  std::vector<torch::Tensor> weights, biases;
  std::int64_t in = slots * v;
  for (const std::int64_t w : width) {
    weights.push_back(torch::randn({w, in}).requires_grad_(true));
    biases.push_back(torch::randn({w}).requires_grad_(true));
    in += w;
  }
  // Freed memory of the size the packed gradient takes, full of NaN: an
  // entry the backward pass leaves unwritten would likely read it.
  {
    std::vector<torch::Tensor> junk;
    for (int i = 0; i < 64; ++i) junk.push_back(torch::full({6, in - width.back()}, NAN));
  }
  const torch::Tensor codes = torch::zeros({0, v}).requires_grad_(true);
  const torch::Tensor rows = torch::zeros({0, slots}, torch::kLong);
  const torch::Tensor out = dense_block(codes, {0, 0, 0}, rows, weights, biases, nullptr);
  ASSERT_EQ(out.sizes(), (std::vector<std::int64_t>{0, width.back()}));
  out.sum().backward();
  for (const auto& w : weights) {
    ASSERT_TRUE(w.grad().defined());
    EXPECT_TRUE(w.grad().eq(0).all().item<bool>()) << w.grad();
  }
  for (const auto& b : biases) EXPECT_TRUE(b.grad().eq(0).all().item<bool>()) << b.grad();
}

}  // namespace
}  // namespace npeps
