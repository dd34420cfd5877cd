#include "models/state_encoder.h"

#include "models/bag_sum.h"
#include "models/dense_block.h"
#include "models/dense_chain.h"
#include "models/var_instances.h"

namespace npeps {
namespace {

torch::Tensor long_tensor(std::vector<std::int64_t>& v, std::vector<std::int64_t> shape,
                          torch::Device dev) {
  // Copied: autograd keeps the index tensors until backward.
  return torch::from_blob(v.data(), shape, torch::kLong)
      .to(dev, /*non_blocking=*/false,
          /*copy=*/true);
}

std::vector<torch::Tensor> dense_weights(const StateEncoderParts& p) {
  std::vector<torch::Tensor> w;
  for (const auto& l : p.dense) w.push_back(l->weight);
  return w;
}

std::vector<torch::Tensor> dense_biases(const StateEncoderParts& p) {
  std::vector<torch::Tensor> b;
  for (const auto& l : p.dense) b.push_back(l->bias);
  return b;
}

// [kVarTableRows, V]: row t*20+j = embedding[t] . W_j (W_j the encoder's
// weight block for list position j), row kTypeRowBase+c = type c's code .
// W_type + bias.
torch::Tensor var_table(const StateEncoderParts& p, int64_t d) {
  const torch::Tensor& w = p.var_encoder->weight;  // [V, 20*d + 2]
  const int64_t v = w.size(0);
  auto blocks = w.split_with_sizes({kMaxListLength * d, 2}, 1);
  // [d, 20*V]: column j*V + o is W[o, j*d + .]
  const torch::Tensor wt =
      blocks[0].reshape({v, kMaxListLength, d}).permute({2, 1, 0}).reshape({d, kMaxListLength * v});
  // [513, 20*V] is already [513*20, V] in row t*20+j: a view, no copy.
  const torch::Tensor values = torch::mm(p.embedding->weight, wt).view({kTypeRowBase, v});
  const torch::Tensor types = torch::addmm(p.var_encoder->bias, p.type_table, blocks[1].t());
  return torch::cat({values, types}, 0);
}

// The weights rearranged for encode_states (a function of the parameters):
// the table, and on the CPU the packed dense weights when `pack` (inference:
// packing outside the autograd function) or else nothing more; elsewhere the
// stacks torch's ops read.
DerivedWeights derive_weights(const NetOptions& o, const StateEncoderParts& p, bool cpu,
                              bool pack) {
  DerivedWeights d;
  d.table = var_table(p, o.embedding_dim);
  if (cpu) {
    if (pack) d.packed = pack_dense(dense_weights(p), kStateVars);
    return d;
  }
  const int64_t v = o.var_encoder_dim, g = o.dense_growth;
  const int layers = static_cast<int>(p.dense.size());
  // Each dense layer's weight in blocks: the 12 variables' codes, then one
  // block per earlier layer's output.
  std::vector<std::vector<torch::Tensor>> blocks(layers);
  std::vector<torch::Tensor> bias;
  for (int i = 0; i < layers; ++i) {
    std::vector<int64_t> sizes(kStateVars, v);
    sizes.insert(sizes.end(), i, g);
    blocks[i] = p.dense[i]->weight.split_with_sizes(sizes, 1);
    d.width.push_back(p.dense[i]->weight.size(0));
    bias.push_back(p.dense[i]->bias);
  }
  // Input block `block` of layers from..L-1, stacked and transposed: [in, sum of widths].
  auto stacked = [&](int from, int block) {
    std::vector<torch::Tensor> rows;
    for (int i = from; i < layers; ++i) rows.push_back(blocks[i][block]);
    return torch::cat(rows, 0).t();
  };
  for (int s = 0; s < kStateVars; ++s) d.slot.push_back(stacked(0, s));
  for (int k = 1; k < layers; ++k) d.later.push_back(stacked(k, kStateVars + k - 1));
  d.bias = torch::cat(bias, 0);
  return d;
}

// The parameters' identity and versions: the cache key.
std::vector<int64_t> weights_key(const StateEncoderParts& p) {
  std::vector<int64_t> key;
  auto add = [&key](const torch::Tensor& t) {
    key.push_back(reinterpret_cast<std::intptr_t>(t.data_ptr()));
    key.push_back(static_cast<int64_t>(t._version()));
  };
  add(p.embedding->weight);
  add(p.var_encoder->weight);
  add(p.var_encoder->bias);
  for (const auto& l : p.dense) {
    add(l->weight);
    add(l->bias);
  }
  return key;
}

}  // namespace

torch::Tensor encode_states(const NetOptions& o, const StateEncoderParts& p,
                            const torch::Tensor& tokens, const torch::Tensor& counts) {
  const torch::Device dev = p.var_encoder->weight.device();
  const int64_t b = tokens.size(0), e = tokens.size(1);
  const torch::Tensor cnt = counts.to(torch::kCPU, torch::kLong).contiguous();
  VarInstances vi;
  if (tokens.is_cpu() && tokens.scalar_type() == torch::kShort) {  // as to_tensors gives them
    const torch::Tensor tok = tokens.contiguous();
    build_var_instances(tok.data_ptr<int16_t>(), cnt.data_ptr<int64_t>(), b, e, vi);
  } else {
    const torch::Tensor tok = tokens.to(torch::kCPU, torch::kLong).contiguous();
    build_var_instances(tok.data_ptr<int64_t>(), cnt.data_ptr<int64_t>(), b, e, vi);
  }
  const int64_t u = vi.instances(), r = vi.rows;

  // Without gradients (inference) the rearranged weights are kept until a
  // parameter changes; with gradients they are part of the graph.
  const bool cpu = dev.is_cpu() && p.var_encoder->weight.scalar_type() == torch::kFloat;
  DerivedWeights fresh;
  const DerivedWeights* w = &fresh;
  if (p.cache && !torch::GradMode::is_enabled()) {
    std::vector<int64_t> key = weights_key(p);
    if (key != p.cache->key || !p.cache->weights.table.defined()) {
      p.cache->weights = derive_weights(o, p, cpu, /*pack=*/true);
      p.cache->key = std::move(key);
    }
    w = &p.cache->weights;
  } else {
    fresh = derive_weights(o, p, cpu, /*pack=*/false);
  }

  // Variable codes of the instances: [U, V].
  const torch::Tensor inst = long_tensor(vi.table_rows, {u, kSlotWidth}, dev);
  const torch::Tensor codes = torch::selu(bag_sum(w->table, inst));
  const torch::Tensor rows = long_tensor(vi.row_instances, {r, kStateVars}, dev);

  torch::Tensor h;
  if (cpu) {
    h = dense_block(codes, std::vector<int64_t>(vi.slot_start.begin(), vi.slot_start.end()), rows,
                    dense_weights(p), dense_biases(p), w->packed);
  } else {
    // Their contributions to every layer, [U, N] (instances are grouped by
    // slot), summed per example row, then the layers.
    std::vector<torch::Tensor> parts;
    std::vector<int64_t> per_slot;
    for (int s = 0; s < kStateVars; ++s)
      per_slot.push_back(vi.slot_start[s + 1] - vi.slot_start[s]);
    const auto slot_codes = codes.split_with_sizes(per_slot, 0);
    for (int s = 0; s < kStateVars; ++s)
      if (per_slot[s] > 0) parts.push_back(torch::mm(slot_codes[s], w->slot[s]));
    const torch::Tensor pre = bag_sum(torch::cat(parts, 0), rows) + w->bias;
    h = dense_chain(pre, w->later, w->width);
  }

  // Mean over each state's real examples.
  const torch::Tensor state = long_tensor(vi.row_state, {r}, dev);
  const torch::Tensor sum = torch::zeros({b, h.size(1)}, h.options()).index_add(0, state, h);
  return sum / cnt.to(dev, h.scalar_type()).unsqueeze(1);
}

torch::Tensor encode_states_reference(const NetOptions&, const StateEncoderParts& p,
                                      const torch::Tensor& tokens_in,
                                      const torch::Tensor& counts_in) {
  const torch::Device dev = p.var_encoder->weight.device();
  const torch::Tensor tokens = tokens_in.to(dev, torch::kLong);
  const torch::Tensor counts = counts_in.to(dev, torch::kLong);
  const int64_t b = tokens.size(0), e = tokens.size(1);
  const torch::Tensor types = tokens.select(3, 0);                   // [B,E,12]
  const torch::Tensor values = tokens.narrow(3, 1, kMaxListLength);  // [B,E,12,20]
  torch::Tensor emb = p.embedding(values).reshape({b, e, kStateVars, -1});
  torch::Tensor x = torch::cat({emb, torch::embedding(p.type_table, types)}, -1);
  x = torch::selu(p.var_encoder(x)).reshape({b, e, -1});
  std::vector<torch::Tensor> inputs{x};
  for (auto& layer : p.dense) inputs.push_back(torch::selu(layer(torch::cat(inputs, -1))));
  x = inputs.back();  // [B,E,H]
  const torch::Tensor mask =
      (torch::arange(e, counts.options()).unsqueeze(0) < counts.unsqueeze(1)).to(x.dtype());
  return (x * mask.unsqueeze(2)).sum(1) / mask.sum(1, true);
}

}  // namespace npeps
