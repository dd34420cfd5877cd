#include "models/dense_block.h"

#include <utility>

#include "models/bag_sum.h"
#include "models/dense_chain.h"

namespace npeps {

torch::Tensor pack_dense_weights(const std::vector<torch::Tensor>& weights) {
  torch::NoGradGuard no_grad;
  std::int64_t n = 0;
  for (const auto& w : weights) n += w.size(0);
  // Entries outside the layers' blocks are never read: left uninitialised.
  torch::Tensor packed = torch::empty({n, weights.back().size(1)}, weights.back().options());
  std::int64_t row = 0;
  for (const auto& w : weights) {
    packed.narrow(0, row, w.size(0)).narrow(1, 0, w.size(1)).copy_(w);
    row += w.size(0);
  }
  return packed;
}

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

// The cached packed weights ride along as a non-tensor argument: autograd
// neither tracks nor differentiates them.
struct Packed {
  std::shared_ptr<const DensePack> pack;
};

struct Layout {
  std::vector<std::int64_t> width, off;
  std::int64_t v = 0, slots = 0;
  Layout(std::vector<std::int64_t> w, std::int64_t v_, std::int64_t slots_)
      : width(std::move(w)), off(chain_offsets(width)), v(v_), slots(slots_) {}
  std::int64_t n() const { return off.back(); }
  // Columns of the packed matrix (the layers' inputs): slot s's codes, then
  // layer k's output; layer i reads columns [0, input(i)).
  std::int64_t input(std::int64_t k) const { return slots * v + off[k]; }
  // In m (the packed matrix or its gradient), as the products read them:
  // slot s's block of every layer's weights [V, N] ...
  torch::Tensor slot(const torch::Tensor& m, std::int64_t s) const {
    return m.narrow(1, s * v, v).t();
  }
  // ... layer k's output's block of the later layers' weights ...
  torch::Tensor later(const torch::Tensor& m, std::int64_t k) const {
    return m.narrow(0, off[k + 1], n() - off[k + 1]).narrow(1, input(k), width[k]).t();
  }
  // ... layer k's block for the outputs of layers 0..k-1 [offset of k, width[k]] ...
  torch::Tensor earlier(const torch::Tensor& m, std::int64_t k) const {
    return m.narrow(0, off[k], width[k]).narrow(1, input(0), off[k]).t();
  }
  // ... and layer i's weight [width[i], input(i)].
  torch::Tensor layer(const torch::Tensor& m, std::size_t i) const {
    const auto k = static_cast<std::int64_t>(i);
    return m.narrow(0, off[k], width[i]).narrow(1, 0, input(k));
  }
};

struct DenseBlock : torch::autograd::Function<DenseBlock> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& codes_in,
                               const torch::Tensor& rows_in, torch::TensorList weights,
                               torch::TensorList biases,
                               const std::vector<std::int64_t>& slot_start, const Packed& cached) {
    const torch::Tensor codes = codes_in.contiguous(), rows = rows_in.contiguous();
    const std::int64_t slots = rows.size(1);
    TORCH_CHECK(static_cast<std::int64_t>(slot_start.size()) == slots + 1 &&
                    slot_start.back() == codes.size(0),
                "dense_block: slot_start must cover the codes");
    TORCH_CHECK(!weights.empty() && weights.size() == biases.size(),
                "dense_block: one bias per layer");
    std::vector<std::int64_t> width;
    for (const auto& w : weights) width.push_back(w.size(0));
    const Layout l(width, codes.size(1), slots);
    for (std::size_t i = 0; i < weights.size(); ++i)
      TORCH_CHECK(weights[i].size(1) == l.input(static_cast<std::int64_t>(i)),
                  "dense_block: layer ", i, " must read the codes and every earlier layer");
    const torch::Tensor packed =
        cached.pack ? cached.pack->packed : pack_dense_weights(weights.vec());
    const bool panels = cached.pack && !cached.pack->slot.empty();

    // Each instance's contribution to every layer [U, N], gathered per row.
    torch::Tensor z = torch::empty({codes.size(0), l.n()}, codes.options());
    for (std::int64_t s = 0; s < slots; ++s) {
      const std::int64_t count = slot_start[s + 1] - slot_start[s];
      if (count == 0) continue;
      torch::Tensor dst = z.narrow(0, slot_start[s], count);
      const torch::Tensor src = codes.narrow(0, slot_start[s], count);
      if (panels)
        panel_gemm(src.data_ptr<float>(), src.stride(0),
                   cached.pack->slot[static_cast<std::size_t>(s)], dst.data_ptr<float>(),
                   dst.stride(0), count, /*accumulate=*/false);
      else
        torch::mm_out(dst, src, l.slot(packed, s));
    }
    torch::Tensor p = torch::empty({rows.size(0), l.n()}, codes.options());
    gather_sum(z.data_ptr<float>(), rows.data_ptr<std::int64_t>(), rows.size(0), slots, l.n(),
               p.data_ptr<float>());
    p.add_(torch::cat(biases.vec(), 0));

    torch::Tensor hs, last;
    chain_forward_pull(
        p, [&](std::int64_t k) { return l.earlier(packed, k); }, l.width, hs, last,
        panels ? &cached.pack->earlier : nullptr);
    ctx->save_for_backward({codes, rows, packed, hs, last});
    ctx->saved_data["slot_start"] = slot_start;
    ctx->saved_data["width"] = width;
    return last;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    const std::vector<torch::Tensor> saved = ctx->get_saved_variables();
    const torch::Tensor &codes = saved[0], &rows = saved[1], &packed = saved[2];
    const std::vector<std::int64_t> slot_start = ctx->saved_data["slot_start"].toIntVector();
    const std::int64_t slots = rows.size(1);
    const Layout l(ctx->saved_data["width"].toIntVector(), codes.size(1), slots);

    // Every entry the layers' gradients read is written below.
    torch::Tensor dpacked = torch::empty_like(packed);
    const torch::Tensor dp = chain_backward(
        grads[0].contiguous(), saved[3], saved[4],
        [&](std::int64_t k) { return l.later(packed, k); },
        [&](std::int64_t k) { return l.later(dpacked, k); }, l.width);
    const torch::Tensor dbias = dp.sum(0);

    // Back through the gather and the instances' products.
    torch::Tensor dz = torch::zeros({codes.size(0), l.n()}, dp.options());
    scatter_add(dp.data_ptr<float>(), rows.data_ptr<std::int64_t>(), rows.size(0), slots, l.n(),
                dz.data_ptr<float>());
    torch::Tensor dcodes = torch::empty_like(codes);
    for (std::int64_t s = 0; s < slots; ++s) {
      const std::int64_t count = slot_start[s + 1] - slot_start[s];
      if (count == 0) {  // no instance in this slot: its weights get no gradient
        l.slot(dpacked, s).zero_();
        continue;
      }
      const torch::Tensor zs = dz.narrow(0, slot_start[s], count);
      torch::Tensor dw = l.slot(dpacked, s);
      torch::mm_out(dw, codes.narrow(0, slot_start[s], count).t(), zs);
      torch::Tensor dc = dcodes.narrow(0, slot_start[s], count);
      torch::mm_out(dc, zs, l.slot(packed, s).t());
    }

    tensor_list out{dcodes, torch::Tensor()};  // codes, rows
    for (std::size_t i = 0; i < l.width.size(); ++i)
      out.push_back(l.layer(dpacked, i).contiguous());
    for (std::size_t i = 0; i < l.width.size(); ++i)
      out.push_back(dbias.narrow(0, l.off[i], l.width[i]));
    out.emplace_back();  // slot_start
    out.emplace_back();  // cached packed weights
    return out;
  }
};

}  // namespace

torch::Tensor dense_block(const torch::Tensor& codes, const std::vector<std::int64_t>& slot_start,
                          const torch::Tensor& rows, const std::vector<torch::Tensor>& weights,
                          const std::vector<torch::Tensor>& biases,
                          std::shared_ptr<const DensePack> pack) {
  return DenseBlock::apply(codes, rows, torch::TensorList(weights), torch::TensorList(biases),
                           slot_start, Packed{std::move(pack)});
}

std::shared_ptr<const DensePack> pack_dense(const std::vector<torch::Tensor>& weights,
                                            std::int64_t slots) {
  auto out = std::make_shared<DensePack>();
  out->packed = pack_dense_weights(weights);
  if (!panel_gemm_fast() || !out->packed.is_cpu() || out->packed.scalar_type() != torch::kFloat)
    return out;
  std::vector<std::int64_t> width;
  for (const auto& w : weights) width.push_back(w.size(0));
  const Layout l(width, weights.front().size(1) / slots, slots);
  auto pack = [](const torch::Tensor& b, PackedPanels& to) {
    pack_panels(b.data_ptr<float>(), b.stride(0), b.stride(1), b.size(0), b.size(1), to);
  };
  out->slot.resize(static_cast<std::size_t>(slots));
  for (std::int64_t s = 0; s < slots; ++s)
    pack(l.slot(out->packed, s), out->slot[static_cast<std::size_t>(s)]);
  out->earlier.resize(width.size());
  for (std::size_t k = 1; k < width.size(); ++k)
    pack(l.earlier(out->packed, static_cast<std::int64_t>(k)), out->earlier[k]);
  return out;
}

}  // namespace npeps
