#include "models/panel_gemm.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define NPEPS_PANEL_X86 1
#endif

namespace npeps {
namespace {

constexpr std::int64_t kW = PackedPanels::kWidth;

using Kernel = void (*)(const float*, std::int64_t, const PackedPanels&, float*, std::int64_t,
                        std::int64_t, bool);

// The reference: one fused multiply-add per term, k in order.
void gemm_portable(const float* a, std::int64_t lda, const PackedPanels& b, float* c,
                   std::int64_t ldc, std::int64_t rows, bool accumulate) {
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t j = 0; j < b.n; ++j) {
      const float* col = b.panel(j / kW) + j % kW;
      float acc = accumulate ? c[r * ldc + j] : 0.0f;
      for (std::int64_t i = 0; i < b.k; ++i) acc = std::fma(a[r * lda + i], col[i * kW], acc);
      c[r * ldc + j] = acc;
    }
}

#ifdef NPEPS_PANEL_X86

// AVX-512: R rows x 64 columns (4 registers each) of one panel; `cols` of
// them are real.
template <int R>
__attribute__((target("avx512f"))) void tile512(const float* a, std::int64_t lda,
                                                const float* panel, std::int64_t k, float* c,
                                                std::int64_t ldc, std::int64_t cols,
                                                bool accumulate) {
  __mmask16 m[4];
  for (int v = 0; v < 4; ++v) {
    const std::int64_t left = std::clamp<std::int64_t>(cols - 16 * v, 0, 16);
    m[v] = static_cast<__mmask16>((1u << left) - 1u);
  }
  __m512 acc[R][4];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < 4; ++v)
      acc[r][v] =
          accumulate ? _mm512_maskz_loadu_ps(m[v], c + r * ldc + 16 * v) : _mm512_setzero_ps();
#pragma GCC unroll 4
  for (std::int64_t i = 0; i < k; ++i) {
    const float* b = panel + i * kW;
    const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16),
                 b2 = _mm512_loadu_ps(b + 32), b3 = _mm512_loadu_ps(b + 48);
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      const __m512 x = _mm512_set1_ps(a[r * lda + i]);
      acc[r][0] = _mm512_fmadd_ps(x, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(x, b1, acc[r][1]);
      acc[r][2] = _mm512_fmadd_ps(x, b2, acc[r][2]);
      acc[r][3] = _mm512_fmadd_ps(x, b3, acc[r][3]);
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < 4; ++v) _mm512_mask_storeu_ps(c + r * ldc + 16 * v, m[v], acc[r][v]);
}

template <int R>
__attribute__((target("avx512f"))) void rows512(const float* a, std::int64_t lda,
                                                const PackedPanels& b, float* c, std::int64_t ldc,
                                                bool accumulate) {
  for (std::int64_t p = 0; p < b.panels(); ++p)
    tile512<R>(a, lda, b.panel(p), b.k, c + p * kW, ldc, std::min(kW, b.n - p * kW), accumulate);
}

__attribute__((target("avx512f"))) void gemm_avx512(const float* a, std::int64_t lda,
                                                    const PackedPanels& b, float* c,
                                                    std::int64_t ldc, std::int64_t rows,
                                                    bool accumulate) {
  constexpr std::int64_t kRows = 6;
  std::int64_t r = 0;
  for (; r + kRows <= rows; r += kRows)
    rows512<kRows>(a + r * lda, lda, b, c + r * ldc, ldc, accumulate);
  switch (rows - r) {
    case 5: rows512<5>(a + r * lda, lda, b, c + r * ldc, ldc, accumulate); break;
    case 4: rows512<4>(a + r * lda, lda, b, c + r * ldc, ldc, accumulate); break;
    case 3: rows512<3>(a + r * lda, lda, b, c + r * ldc, ldc, accumulate); break;
    case 2: rows512<2>(a + r * lda, lda, b, c + r * ldc, ldc, accumulate); break;
    case 1: rows512<1>(a + r * lda, lda, b, c + r * ldc, ldc, accumulate); break;
    default: break;
  }
}

bool cpu_has(const char* name) {
  __builtin_cpu_init();
  if (std::strcmp(name, "avx512") == 0) return __builtin_cpu_supports("avx512f");
  return std::strcmp(name, "portable") == 0;
}

#else

bool cpu_has(const char* name) { return std::strcmp(name, "portable") == 0; }

#endif  // NPEPS_PANEL_X86

struct Variant {
  const char* name;
  Kernel kernel;
};

constexpr Variant kVariants[] = {
#ifdef NPEPS_PANEL_X86
    {"avx512", gemm_avx512},
#endif
    {"portable", gemm_portable},
};

// AVX-512 when the CPU has it (NPEPS_PANEL_GEMM=off: never), else the
// portable loop (which panel_gemm_fast() declines).
const Variant* initial_variant() {
  const bool wanted =
      parse_panel_gemm_setting(std::getenv("NPEPS_PANEL_GEMM")) != PanelGemmSetting::Off;
  if (wanted && cpu_has(kVariants[0].name)) return &kVariants[0];
  return &kVariants[std::size(kVariants) - 1];  // portable
}

std::atomic<const Variant*>& current() {
  static std::atomic<const Variant*> v{initial_variant()};
  return v;
}

}  // namespace

void pack_panels(const float* b, std::int64_t row_stride, std::int64_t col_stride, std::int64_t k,
                 std::int64_t n, PackedPanels& out) {
  out.k = k;
  out.n = n;
  out.data.assign(static_cast<std::size_t>(out.panels() * k * kW), 0.0f);
  auto at = [&](std::int64_t i, std::int64_t j) -> float& {
    return out.data[static_cast<std::size_t>((j / kW) * k * kW + i * kW + j % kW)];
  };
  // Walk b along its contiguous direction.
  if (col_stride <= row_stride) {
    for (std::int64_t i = 0; i < k; ++i)
      for (std::int64_t j = 0; j < n; ++j) at(i, j) = b[i * row_stride + j * col_stride];
  } else {
    for (std::int64_t j = 0; j < n; ++j)
      for (std::int64_t i = 0; i < k; ++i) at(i, j) = b[i * row_stride + j * col_stride];
  }
}

void panel_gemm(const float* a, std::int64_t lda, const PackedPanels& b, float* c, std::int64_t ldc,
                std::int64_t rows, bool accumulate) {
  if (rows <= 0 || b.n <= 0) return;
  current().load(std::memory_order_relaxed)->kernel(a, lda, b, c, ldc, rows, accumulate);
}

PanelGemmSetting parse_panel_gemm_setting(const char* value) {
  if (value == nullptr) return PanelGemmSetting::Auto;
  const std::string v = value;
  if (v.empty() || v == "auto" || v == "on") return PanelGemmSetting::Auto;
  if (v == "off") return PanelGemmSetting::Off;
  return PanelGemmSetting::NotUnderstood;
}

std::string panel_gemm_setting_note() {
  const char* env = std::getenv("NPEPS_PANEL_GEMM");
  switch (parse_panel_gemm_setting(env)) {
    case PanelGemmSetting::Auto: return "";
    case PanelGemmSetting::Off: return "NPEPS_PANEL_GEMM=off";
    case PanelGemmSetting::NotUnderstood: break;
  }
  return "NPEPS_PANEL_GEMM=" + std::string(env) +
         " not understood, taken as auto - values: auto, on, off";
}

const char* panel_gemm_variant() { return current().load(std::memory_order_relaxed)->name; }

bool panel_gemm_fast() {
  return current().load(std::memory_order_relaxed)->kernel != gemm_portable;
}

bool set_panel_gemm_variant(const char* name) {
  for (const Variant& v : kVariants)
    if (std::strcmp(v.name, name) == 0 && cpu_has(v.name)) {
      current().store(&v, std::memory_order_relaxed);
      return true;
    }
  return false;
}

}  // namespace npeps
