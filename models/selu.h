// INTERNAL to models/: SELU on rows of floats (torch-free), for the dense
// layers on the CPU (models/dense_chain.h).
//
// torch's elu_out costs a dispatch and a TensorIterator per layer and an
// accurate vector exp; here one loop, compiled for AVX2 and the baseline,
// with exp from a degree-6 polynomial (Cephes' expf: within 3 ulp of the
// C library's exp on the inputs SELU uses, x <= 0, as tested). Both copies
// run the same operations (no FMA), so they give the same bits.
#pragma once

#include <cstdint>

namespace npeps {

// torch::selu's constants: selu(x) = scale * (x > 0 ? x : alpha * (e^x - 1)).
inline constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
inline constexpr double kSeluScale = 1.0507009873554804934193349852946;

// h[r * h_stride + c] = selu(pre[r * pre_stride + c]) for r < rows, c < width.
void selu_rows(const float* pre, std::int64_t pre_stride, float* h, std::int64_t h_stride,
               std::int64_t rows, std::int64_t width);

// The exp the loop uses, for x in [-87.3, 0] (exposed for its test).
float selu_exp(float x);

}  // namespace npeps
