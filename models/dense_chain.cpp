#include "models/dense_chain.h"

#include "models/selu.h"

namespace npeps {
namespace {

// h = selu(pre), both [R, w] views with unit column stride: on the CPU
// one loop (models/selu.h), elsewhere torch's op.
void selu_into(torch::Tensor& h, const torch::Tensor& pre) {
  if (pre.is_cpu() && pre.scalar_type() == torch::kFloat && pre.stride(1) == 1 &&
      h.stride(1) == 1) {
    selu_rows(pre.data_ptr<float>(), pre.stride(0), h.data_ptr<float>(), h.stride(0), pre.size(0),
              pre.size(1));
    return;
  }
  torch::elu_out(h, pre, kSeluAlpha, kSeluScale, 1.0);
}

// pre += a . b: the AVX-512 panel kernel (models/panel_gemm.h) on a CPU
// that has it, for float rows of unit stride, with b's panels when given;
// else torch's addmm.
void add_product(torch::Tensor& pre, const torch::Tensor& a, const torch::Tensor& b,
                 const PackedPanels* packed) {
  const bool use_panels = panel_gemm_fast() && pre.is_cpu() && pre.scalar_type() == torch::kFloat &&
                          a.scalar_type() == torch::kFloat && b.scalar_type() == torch::kFloat &&
                          b.is_cpu() && pre.stride(1) == 1 && a.stride(1) == 1;
  if (!use_panels) {
    pre.addmm_(a, b);
    return;
  }
  thread_local PackedPanels here;
  if (packed == nullptr) {
    pack_panels(b.data_ptr<float>(), b.stride(0), b.stride(1), b.size(0), b.size(1), here);
    packed = &here;
  }
  panel_gemm(a.data_ptr<float>(), a.stride(0), *packed, pre.data_ptr<float>(), pre.stride(0),
             pre.size(0));
}

}  // namespace

std::vector<std::int64_t> chain_offsets(const std::vector<std::int64_t>& width) {
  std::vector<std::int64_t> off(width.size() + 1, 0);
  for (std::size_t k = 0; k < width.size(); ++k) off[k + 1] = off[k] + width[k];
  return off;
}

void chain_forward(torch::Tensor& p, const LaterBlock& later,
                   const std::vector<std::int64_t>& width, torch::Tensor& hs, torch::Tensor& last) {
  const auto layers = static_cast<std::int64_t>(width.size());
  const std::vector<std::int64_t> off = chain_offsets(width);
  const std::int64_t n = off.back(), r = p.size(0);
  hs = torch::empty({r, off[layers - 1]}, p.options());
  last = torch::empty({r, width.back()}, p.options());
  for (std::int64_t k = 0; k < layers; ++k) {
    torch::Tensor h = k + 1 < layers ? hs.narrow(1, off[k], width[k]) : last;
    selu_into(h, p.narrow(1, off[k], width[k]));
    if (k + 1 < layers) p.narrow(1, off[k + 1], n - off[k + 1]).addmm_(h, later(k));
  }
}

void chain_forward_pull(torch::Tensor& p, const LaterBlock& earlier,
                        const std::vector<std::int64_t>& width, torch::Tensor& hs,
                        torch::Tensor& last, const std::vector<PackedPanels>* panels) {
  const auto layers = static_cast<std::int64_t>(width.size());
  const std::vector<std::int64_t> off = chain_offsets(width);
  const std::int64_t r = p.size(0);
  hs = torch::empty({r, off[layers - 1]}, p.options());
  last = torch::empty({r, width.back()}, p.options());
  for (std::int64_t k = 0; k < layers; ++k) {
    torch::Tensor pre = p.narrow(1, off[k], width[k]);
    if (k > 0)
      add_product(pre, hs.narrow(1, 0, off[k]), earlier(k),
                  panels != nullptr ? &(*panels)[static_cast<std::size_t>(k)] : nullptr);
    torch::Tensor h = k + 1 < layers ? hs.narrow(1, off[k], width[k]) : last;
    selu_into(h, pre);
  }
}

torch::Tensor chain_backward(const torch::Tensor& grad_last, const torch::Tensor& hs,
                             const torch::Tensor& last, const LaterBlock& later,
                             const LaterBlock& grad_later, const std::vector<std::int64_t>& width) {
  const auto layers = static_cast<std::int64_t>(width.size());
  const std::vector<std::int64_t> off = chain_offsets(width);
  const std::int64_t n = off.back();
  torch::Tensor dp = torch::empty({last.size(0), n}, last.options());
  for (std::int64_t k = layers - 1; k >= 0; --k) {
    const torch::Tensor h = k + 1 < layers ? hs.narrow(1, off[k], width[k]) : last;
    torch::Tensor dh;
    if (k + 1 == layers) {
      dh = grad_last;
    } else {
      const torch::Tensor tail = dp.narrow(1, off[k + 1], n - off[k + 1]);
      dh = torch::mm(tail, later(k).t());
      torch::Tensor g = grad_later(k);
      torch::mm_out(g, h.t(), tail);
    }
    torch::Tensor dpre = dp.narrow(1, off[k], width[k]);
    torch::elu_backward_out(dpre, dh, kSeluAlpha, kSeluScale, 1.0, /*is_result=*/true, h);
  }
  return dp;
}

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

struct DenseChain : torch::autograd::Function<DenseChain> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& pre,
                               torch::TensorList later, const std::vector<std::int64_t>& width) {
    TORCH_CHECK(pre.dim() == 2 && pre.size(1) == chain_offsets(width).back(),
                "dense_chain: pre must be [R, sum of widths]");
    TORCH_CHECK(later.size() + 1 == width.size(),
                "dense_chain: one later block per layer but the last");
    // The running pre-activations are a copy: the input stays as it was.
    torch::Tensor p = pre.clone(torch::MemoryFormat::Contiguous), hs, last;
    chain_forward(
        p, [&](std::int64_t k) { return later[static_cast<std::size_t>(k)]; }, width, hs, last);
    std::vector<torch::Tensor> saved{hs, last};
    saved.insert(saved.end(), later.begin(), later.end());
    ctx->save_for_backward(saved);
    ctx->saved_data["width"] = width;
    return last;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    const std::vector<torch::Tensor> saved = ctx->get_saved_variables();
    const std::vector<std::int64_t> width = ctx->saved_data["width"].toIntVector();
    tensor_list out(width.size());  // pre, later[0..L-2]
    const auto later = [&](std::int64_t k) { return saved[static_cast<std::size_t>(k) + 2]; };
    const auto grad_later = [&](std::int64_t k) {
      torch::Tensor& g = out[static_cast<std::size_t>(k) + 1];
      g = torch::empty_like(later(k));
      return g;
    };
    out[0] = chain_backward(grads[0], saved[0], saved[1], later, grad_later, width);
    out.emplace_back();  // width
    return out;
  }
};

}  // namespace

torch::Tensor dense_chain(const torch::Tensor& pre, const std::vector<torch::Tensor>& later,
                          const std::vector<std::int64_t>& width) {
  return DenseChain::apply(pre, torch::TensorList(later), width);
}

}  // namespace npeps
