#include "models/bag_sum.h"

#include <cstring>

namespace npeps {

// out[r] = sum_k table[index[r, k]]; rows of width w. Also compiled for
// AVX2 (the loader picks it when the CPU has it; the build itself targets
// the baseline): 0.34 against 0.45-0.55 ms for 500 rows of 12 x 760 on an
// AVX-512 EPYC. Each column's sum runs in the same order in both.
__attribute__((target_clones("avx2", "default"))) void gather_sum(const float* table,
                                                                  const std::int64_t* index,
                                                                  std::int64_t rows, std::int64_t k,
                                                                  std::int64_t w, float* out) {
  for (std::int64_t r = 0; r < rows; ++r) {
    float* o = out + r * w;
    const std::int64_t* ix = index + r * k;
    std::memcpy(o, table + ix[0] * w, sizeof(float) * static_cast<std::size_t>(w));
    for (std::int64_t j = 1; j < k; ++j) {
      const float* t = table + ix[j] * w;
      // Output and table rows never overlap: no aliasing check, no scalar
      // fallback.
#pragma GCC ivdep
      for (std::int64_t c = 0; c < w; ++c) o[c] += t[c];
    }
  }
}

// grad_table[index[r, k]] += grad[r].
void scatter_add(const float* grad, const std::int64_t* index, std::int64_t rows, std::int64_t k,
                 std::int64_t w, float* grad_table) {
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* g = grad + r * w;
    const std::int64_t* ix = index + r * k;
    for (std::int64_t j = 0; j < k; ++j) {
      float* t = grad_table + ix[j] * w;
      for (std::int64_t c = 0; c < w; ++c) t[c] += g[c];
    }
  }
}

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

struct BagSum : torch::autograd::Function<BagSum> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& table,
                               const torch::Tensor& index) {
    const torch::Tensor t = table.contiguous();
    const torch::Tensor ix = index.contiguous();
    torch::Tensor out = torch::empty({ix.size(0), t.size(1)}, t.options());
    gather_sum(t.data_ptr<float>(), ix.data_ptr<std::int64_t>(), ix.size(0), ix.size(1), t.size(1),
               out.data_ptr<float>());
    ctx->save_for_backward({ix});
    ctx->saved_data["rows"] = t.size(0);
    return out;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    const torch::Tensor ix = ctx->get_saved_variables()[0];
    const torch::Tensor g = grads[0].contiguous();
    torch::Tensor gt = torch::zeros({ctx->saved_data["rows"].toInt(), g.size(1)}, g.options());
    scatter_add(g.data_ptr<float>(), ix.data_ptr<std::int64_t>(), ix.size(0), ix.size(1), g.size(1),
                gt.data_ptr<float>());
    return {gt, torch::Tensor()};
  }
};

}  // namespace

torch::Tensor bag_sum(const torch::Tensor& table, const torch::Tensor& index) {
  if (!table.is_cpu() || table.scalar_type() != torch::kFloat)
    return torch::nn::functional::embedding_bag(
        index, table, torch::nn::functional::EmbeddingBagFuncOptions().mode(torch::kSum));
  return BagSum::apply(table, index);
}

}  // namespace npeps
