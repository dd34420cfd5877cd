// The fused dense block (models/dense_chain.h) against the same layers
// written with torch's ops: same outputs, same gradients for the
// pre-activations and every block of later weights.
#include "models/dense_chain.h"

#include <gtest/gtest.h>

namespace npeps {
namespace {

// h_0 = selu(pre_0); h_k = selu(pre_k + sum_{i<k} h_i . later[i] block k).
torch::Tensor chain_as_written(const torch::Tensor& pre, const std::vector<torch::Tensor>& later,
                               const std::vector<std::int64_t>& width) {
  std::vector<torch::Tensor> in = pre.split_with_sizes(width, 1);
  torch::Tensor h;
  for (std::size_t k = 0; k < width.size(); ++k) {
    h = torch::selu(in[k]);
    if (k + 1 == width.size()) break;
    const auto pieces =
        torch::mm(h, later[k])
            .split_with_sizes(std::vector<std::int64_t>(
                                  width.begin() + static_cast<std::ptrdiff_t>(k) + 1, width.end()),
                              1);
    for (std::size_t j = k + 1; j < width.size(); ++j) in[j] = in[j] + pieces[j - k - 1];
  }
  return h;
}

TEST(DenseChain, MatchesTheLayersWrittenWithTorchOpsWithGradients) {
  torch::manual_seed(3);
  const std::vector<std::int64_t> width{4, 3, 5, 6};
  const std::int64_t rows = 7, n = 18;
  const torch::Tensor pre0 = torch::randn({rows, n});
  std::vector<torch::Tensor> later0;
  std::int64_t rest = n;
  for (std::size_t k = 0; k + 1 < width.size(); ++k) {
    rest -= width[k];
    later0.push_back(torch::randn({width[k], rest}) * 0.5);
  }
  auto leaves = [&](std::vector<torch::Tensor>& later) {
    for (const auto& t : later0) later.push_back(t.clone().requires_grad_(true));
    return pre0.clone().requires_grad_(true);
  };
  std::vector<torch::Tensor> la, lb;
  const torch::Tensor pa = leaves(la), pb = leaves(lb);
  const torch::Tensor a = dense_chain(pa, la, width);
  const torch::Tensor b = chain_as_written(pb, lb, width);
  ASSERT_EQ(a.sizes(), b.sizes());
  EXPECT_LT((a - b).abs().max().item<float>(), 1e-5);
  EXPECT_TRUE(pa.equal(pre0)) << "the input must not be modified";

  const torch::Tensor weights = torch::randn(a.sizes());
  (a * weights).sum().backward();
  (b * weights).sum().backward();
  EXPECT_LT((pa.grad() - pb.grad()).abs().max().item<float>(), 1e-5);
  for (std::size_t k = 0; k < la.size(); ++k) {
    ASSERT_TRUE(la[k].grad().defined()) << k;
    EXPECT_LT((la[k].grad() - lb[k].grad()).abs().max().item<float>(), 1e-5) << k;
  }
}

TEST(DenseChain, RejectsMismatchedShapes) {
  const torch::Tensor pre = torch::zeros({2, 5});
  EXPECT_THROW(dense_chain(pre, {torch::zeros({2, 3})}, {2, 2}), c10::Error);  // widths sum to 4
  EXPECT_THROW(dense_chain(pre, {}, {2, 3}), c10::Error);                      // a block missing
}

}  // namespace
}  // namespace npeps
