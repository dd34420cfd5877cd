// The dense layers' product kernel (models/panel_gemm.h): the portable
// loop against torch, the AVX-512 kernel against the portable loop bit for
// bit, and the dense chain with and without it.
#include "models/panel_gemm.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>

#include "models/dense_chain.h"

namespace npeps {
namespace {

// Restores the variant a test changed.
struct VariantGuard {
  std::string before = panel_gemm_variant();
  ~VariantGuard() { set_panel_gemm_variant(before.c_str()); }
};

// c (a view with row stride ldc > n, inside a buffer of sevens) += a . b
// with the current variant; returns the whole buffer.
torch::Tensor run(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& c0,
                  std::int64_t pad) {
  const std::int64_t rows = a.size(0), n = b.size(1);
  torch::Tensor buf = torch::full({rows + 1, n + pad}, 7.0f);
  torch::Tensor c = buf.narrow(0, 0, rows).narrow(1, 0, n);
  c.copy_(c0);
  PackedPanels p;
  pack_panels(b.data_ptr<float>(), b.stride(0), b.stride(1), b.size(0), n, p);
  panel_gemm(a.data_ptr<float>(), a.stride(0), p, c.data_ptr<float>(), buf.stride(0), rows);
  return buf;
}

TEST(PanelGemm, PortableLoopMatchesTorchAndWritesOnlyItsBlock) {
  VariantGuard guard;
  ASSERT_TRUE(set_panel_gemm_variant("portable"));
  torch::manual_seed(5);
  for (std::int64_t rows : {1, 5, 6, 13}) {
    for (std::int64_t n : {1, 17, 56, 64, 70}) {
      for (std::int64_t k : {1, 9, 56}) {
        const torch::Tensor a = torch::randn({rows, k}), b = torch::randn({k, n});
        const torch::Tensor c0 = torch::randn({rows, n});
        const torch::Tensor buf = run(a, b, c0, 3);
        const torch::Tensor want = torch::addmm(c0, a, b);
        EXPECT_TRUE(torch::allclose(buf.narrow(0, 0, rows).narrow(1, 0, n), want, 1e-5, 1e-4))
            << rows << "x" << k << "x" << n;
        EXPECT_TRUE(buf.narrow(1, n, 3).eq(7.0f).all().item<bool>());
        EXPECT_TRUE(buf.select(0, rows).eq(7.0f).all().item<bool>());
      }
    }
  }
}

TEST(PanelGemm, Avx512KernelGivesThePortableLoopsBits) {
  VariantGuard guard;
  if (!set_panel_gemm_variant("avx512")) GTEST_SKIP() << "no AVX-512 on this CPU";
  torch::manual_seed(6);
  // Row tails of every length (rows % 6) and a last panel of every kind.
  for (std::int64_t rows : {1, 2, 3, 4, 5, 6, 7, 500}) {
    for (std::int64_t n : {3, 56, 64, 100, 256}) {
      const std::int64_t k = rows == 500 ? 504 : 37;
      const torch::Tensor a = torch::randn({rows, k}), b = torch::randn({k, n});
      const torch::Tensor c0 = torch::randn({rows, n});
      ASSERT_TRUE(set_panel_gemm_variant("avx512"));
      const torch::Tensor fast = run(a, b, c0, 5);
      ASSERT_TRUE(set_panel_gemm_variant("portable"));
      const torch::Tensor slow = run(a, b, c0, 5);
      EXPECT_TRUE(torch::equal(fast, slow)) << rows << "x" << k << "x" << n;
    }
  }
}

TEST(PanelGemm, PackingReadsEitherLayout) {
  torch::manual_seed(7);
  const torch::Tensor w = torch::randn({70, 20});  // [N, K]: the chain reads w.t()
  PackedPanels from_view, from_copy;
  const torch::Tensor view = w.t(), copy = w.t().contiguous();
  pack_panels(view.data_ptr<float>(), view.stride(0), view.stride(1), 20, 70, from_view);
  pack_panels(copy.data_ptr<float>(), copy.stride(0), copy.stride(1), 20, 70, from_copy);
  EXPECT_EQ(from_view.data, from_copy.data);
  ASSERT_EQ(2, from_view.panels());
  EXPECT_EQ(view[3][65].item<float>(), from_view.panel(1)[3 * PackedPanels::kWidth + 1]);
  EXPECT_EQ(0.0f, from_view.panel(1)[3 * PackedPanels::kWidth + 6]);  // padding
}

// The dense chain's forward pass (the pull form) with the kernel and with
// torch's addmm: the same layers up to the last bits.
TEST(PanelGemm, DenseChainAgreesWithTorchsProducts) {
  VariantGuard guard;
  if (!set_panel_gemm_variant("avx512")) GTEST_SKIP() << "no AVX-512 on this CPU";
  torch::manual_seed(8);
  const std::vector<std::int64_t> width{56, 56, 56, 40};
  const std::vector<std::int64_t> off = chain_offsets(width);
  const torch::Tensor pre = torch::randn({50, off.back()});
  std::vector<torch::Tensor> earlier{torch::Tensor()};
  for (std::size_t k = 1; k < width.size(); ++k)
    earlier.push_back(torch::randn({width[k], off[k]}).t() * 0.2);  // strided, as the block's
  auto forward = [&] {
    torch::Tensor p = pre.clone(), hs, last;
    chain_forward_pull(
        p, [&](std::int64_t k) { return earlier[static_cast<std::size_t>(k)]; }, width, hs, last);
    return last;
  };
  const torch::Tensor fast = forward();
  ASSERT_TRUE(set_panel_gemm_variant("portable"));  // the chain then uses torch's addmm
  const torch::Tensor blas = forward();
  EXPECT_TRUE(torch::allclose(fast, blas, 1e-5, 1e-5));
  EXPECT_FALSE(torch::equal(fast.abs().sum(), torch::zeros({})));
}

TEST(PanelGemm, ReadsItsEnvironmentSetting) {
  EXPECT_EQ(parse_panel_gemm_setting(nullptr), PanelGemmSetting::Auto);
  EXPECT_EQ(parse_panel_gemm_setting(""), PanelGemmSetting::Auto);
  EXPECT_EQ(parse_panel_gemm_setting("auto"), PanelGemmSetting::Auto);
  EXPECT_EQ(parse_panel_gemm_setting("on"), PanelGemmSetting::Auto);
  EXPECT_EQ(parse_panel_gemm_setting("off"), PanelGemmSetting::Off);
  EXPECT_EQ(parse_panel_gemm_setting("OFF"), PanelGemmSetting::NotUnderstood);
  EXPECT_EQ(parse_panel_gemm_setting("0"), PanelGemmSetting::NotUnderstood);
}

}  // namespace
}  // namespace npeps
