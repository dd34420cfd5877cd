// INTERNAL to models/: c += a . b for the dense layers' products on a CPU
// with AVX-512 (torch-free), for models/dense_chain.h.
//
// The pull form of the dense chain multiplies every layer's earlier outputs
// [R, K] (R = 500 rows for 100 states of 5 examples) by a block of weights
// [K, 56] (the last layer: [504, 256]). Here the weights are packed into
// column panels 64 wide (zero padded) and the rows are multiplied in tiles
// of 6 rows x 64 columns (24 AVX-512 accumulators), reading the activations
// in place. On a Zen 5 core (bench_model's BM_LayerProduct, 2026-12-03)
// it runs the narrow products (N = 56) about 6% faster than OpenBLAS with
// its SkylakeX kernels and 1.7x faster than with its Haswell kernels, and
// the last layer's [504, 256] as fast as SkylakeX; over the whole network
// (BM_Inference) it saved 9% against SkylakeX and 25-30% against Haswell.
// It is used wherever the CPU has AVX-512F. An AVX2 version of the same
// tile ran below OpenBLAS's Haswell kernels, so without AVX-512 the
// network keeps torch's products (panel_gemm_fast() is false).
//
// Every output is summed in the order k = 0, 1, ..., K-1 with one fused
// multiply-add per term, starting from c's value, in both variants (AVX-512
// and the portable loop with std::fma, the reference for tests), so they
// give the same bits; both differ from OpenBLAS's order in the last bits.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace npeps {

// b [K, N] packed as ceil(N / 64) panels of [K, 64], zero padded.
struct PackedPanels {
  static constexpr std::int64_t kWidth = 64;
  std::int64_t k = 0, n = 0;
  std::vector<float> data;
  const float* panel(std::int64_t p) const { return data.data() + p * k * kWidth; }
  std::int64_t panels() const { return (n + kWidth - 1) / kWidth; }
};

// Packs b[i * row_stride + j * col_stride] for i < k, j < n.
void pack_panels(const float* b, std::int64_t row_stride, std::int64_t col_stride, std::int64_t k,
                 std::int64_t n, PackedPanels& out);

// c[r * ldc + j] += sum_i a[r * lda + i] * b[i, j] for r < rows, j < b.n;
// without `accumulate`, c = the sum (c is not read).
void panel_gemm(const float* a, std::int64_t lda, const PackedPanels& b, float* c, std::int64_t ldc,
                std::int64_t rows, bool accumulate = true);

// Which variant panel_gemm runs: "avx512" on a CPU with AVX-512F, else
// "portable". NPEPS_PANEL_GEMM=off selects "portable" (read at the first
// call), so the network keeps torch's products.
const char* panel_gemm_variant();

// What a value of NPEPS_PANEL_GEMM asks for: unset (nullptr), "", "auto" or
// "on": the AVX-512 variant where the CPU has it; "off": never. Any other
// value is not understood and counts as auto.
enum class PanelGemmSetting { Auto, Off, NotUnderstood };
PanelGemmSetting parse_panel_gemm_setting(const char* value);

// For reports (`npeps --version`): why the variant is what it is when the
// environment had a say ("NPEPS_PANEL_GEMM=off", or "NPEPS_PANEL_GEMM=x not
// understood, taken as auto ..."); empty when NPEPS_PANEL_GEMM is unset or auto.
std::string panel_gemm_setting_note();

// Whether callers should prefer panel_gemm to their BLAS: the AVX-512
// variant runs.
bool panel_gemm_fast();

// Forces a variant (tests, benchmarks): "avx512" or "portable"; returns
// false, changing nothing, when this CPU cannot run it.
bool set_panel_gemm_variant(const char* name);

}  // namespace npeps
