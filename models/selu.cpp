#include "models/selu.h"

#include <bit>

namespace npeps {
namespace {

constexpr float kScale = static_cast<float>(kSeluScale);
constexpr float kScaleAlpha = kScale * static_cast<float>(kSeluAlpha);

// e^x for x <= 0, clamped below where e^x leaves the normal range. Branch
// free, so the loops below vectorise it.
inline float exp_nonpositive(float x) {
  // Selects, not std::clamp (its references keep the loops scalar).
  x = x < 0.0f ? x : 0.0f;
  x = x > -87.3f ? x : -87.3f;
  // n = round(x / ln 2) by the 1.5 * 2^23 trick; r = x - n ln 2 in two parts.
  constexpr float kShift = 12582912.0f;
  const float t = x * 1.44269504088896341f + kShift;
  const float n = t - kShift;
  const float r = (x - n * 0.693359375f) - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  // 2^n from the exponent bits: n is an integer in [-126, 0].
  const auto e = static_cast<std::int32_t>(n) + 127;
  return p * std::bit_cast<float>(e << 23);
}

}  // namespace

float selu_exp(float x) { return exp_nonpositive(x); }

__attribute__((target_clones("avx2", "default"))) void selu_rows(const float* pre,
                                                                 std::int64_t pre_stride, float* h,
                                                                 std::int64_t h_stride,
                                                                 std::int64_t rows,
                                                                 std::int64_t width) {
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* x = pre + r * pre_stride;
    float* y = h + r * h_stride;
#pragma GCC ivdep
    for (std::int64_t c = 0; c < width; ++c) {
      const float v = x[c];
      const float neg = kScaleAlpha * (exp_nonpositive(v) - 1.0f);
      y[c] = v > 0.0f ? kScale * v : neg;
    }
  }
}

}  // namespace npeps
