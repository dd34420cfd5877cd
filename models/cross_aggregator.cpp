#include "models/cross_aggregator.h"

#include <cmath>

#include "models/checkpoint_file.h"
#include "models/cross_aggregator_module.h"
#include "models/pccoder_internal.h"

namespace npeps {

// ---------------------------------------------------------------- module

CrossAggregatorModuleImpl::CrossAggregatorModuleImpl(const AggregatorOptions& o) : o_(o) {
  if (o.d_model < 1 || o.heads < 1 || o.d_k < 1 || o.d_v < 1 || o.d_inner < 1 ||
      o.max_positions < 1 || o.dropout < 0 || o.dropout >= 1)
    throw std::invalid_argument("AggregatorOptions: sizes must be positive and dropout in [0, 1)");
  const int d = o.d_model;
  torch::Tensor table = torch::zeros({o.max_positions, d});
  for (int p = 0; p < o.max_positions; ++p)
    for (int j = 0; j < d; ++j) {
      const double angle = p / std::pow(10000.0, 2.0 * (j / 2) / d);
      table[p][j] = j % 2 == 0 ? std::sin(angle) : std::cos(angle);
    }
  pos_table_ = register_buffer("pos_table", table);
  statement_emb_ = register_module(
      "statement_emb",
      torch::nn::Embedding(
          torch::nn::EmbeddingOptions(kNumStatements + 1, d).padding_idx(kNumStatements)));
  operator_emb_ = register_module(
      "operator_emb",
      torch::nn::Embedding(
          torch::nn::EmbeddingOptions(kNumOperators + 1, d).padding_idx(kNumOperators)));
  auto ln = [&](const char* name) {
    return register_module(name, torch::nn::LayerNorm(torch::nn::LayerNormOptions({d}).eps(1e-6)));
  };
  auto lin = [&](const char* name, int in, int out, bool bias) {
    return register_module(name, torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias)));
  };
  input_norm_ = ln("input_norm");
  attn_norm_ = ln("attn_norm");
  ff_s_norm_ = ln("ff_statement_norm");
  ff_o_norm_ = ln("ff_operator_norm");
  w_q_ = lin("w_q", d, o.heads * o.d_k, false);
  w_k_ = lin("w_k", d, o.heads * o.d_k, false);
  w_v_ = lin("w_v", d, o.heads * o.d_v, false);
  w_o_ = lin("w_o", o.heads * o.d_v, d, false);
  ff_s1_ = lin("ff_statement1", d, o.d_inner, true);
  ff_s2_ = lin("ff_statement2", o.d_inner, d, true);
  ff_o1_ = lin("ff_operator1", d, o.d_inner, true);
  ff_o2_ = lin("ff_operator2", o.d_inner, d, true);
  statement_out_ = lin("statement_out", d, kNumStatements, true);
  operator_out_ = lin("operator_out", d, kNumOperators, true);
  dropout_ = register_module("dropout", torch::nn::Dropout(o.dropout));
  torch::NoGradGuard no_grad;
  for (auto& p : named_parameters()) {
    const std::string& n = p.key();
    if (p.value().dim() > 1 && n.find("_emb") == std::string::npos &&
        n.find("_out") == std::string::npos)
      torch::nn::init::xavier_uniform_(p.value());
  }
}

torch::Tensor CrossAggregatorModuleImpl::positions(const torch::Tensor& pos) const {
  const torch::Tensor idx = pos.clamp(0, o_.max_positions - 1).reshape({-1});
  std::vector<int64_t> shape = pos.sizes().vec();
  shape.push_back(o_.d_model);
  return pos_table_.index_select(0, idx).reshape(shape);
}

CrossAggregatorModuleImpl::Prepared CrossAggregatorModuleImpl::prepare(const AggregatorBatch& in,
                                                                       bool with_operator) {
  const int64_t b = in.key.size(0), lk = in.key.size(1);
  const torch::Tensor pe = positions(in.key_pos);
  auto heads = [&](const torch::Tensor& x, int w) {
    return x.view({b, lk, o_.heads, w}).transpose(1, 2);
  };
  Prepared p;
  p.k = heads(w_k_(input_norm_(dropout_(in.key + pe))), o_.d_k);
  p.v = heads(w_v_(input_norm_(dropout_(statement_emb_(in.value) + pe))), o_.d_v);
  if (with_operator)
    p.v_op = heads(w_v_(input_norm_(dropout_(operator_emb_(in.value_op) + pe))), o_.d_v);
  p.mask = in.key_mask.view({b, 1, 1, lk});
  if (o_.use_scores) p.score = in.key_score.view({b, 1, 1, lk});
  return p;
}

CrossAggregatorModuleImpl::Outputs CrossAggregatorModuleImpl::attend(const torch::Tensor& query,
                                                                     const torch::Tensor& query_pos,
                                                                     const Prepared& p,
                                                                     bool with_operator) {
  const int64_t b = query.size(0), lq = query.size(1);
  const torch::Tensor q = input_norm_(dropout_(query + positions(query_pos)));  // also the residual
  // Keys shared by every instance (the search: one task's PE solutions):
  // fold instances and queries into one row axis and multiply per head,
  // [h, B*Lq, d] x [h, d, Lk]. torch::matmul would broadcast the keys and
  // values to B copies first (B x h x Lk x d floats per call).
  const bool shared = p.k.size(0) == 1;
  const torch::Tensor qh = shared ? w_q_(q).view({b * lq, o_.heads, o_.d_k}).transpose(0, 1)
                                  : w_q_(q).view({b, lq, o_.heads, o_.d_k}).transpose(1, 2);
  const torch::Tensor keys = shared ? p.k[0] : p.k;  // [h, Lk, d_k] or [B, h, Lk, d_k]
  torch::Tensor logits = torch::matmul(qh, keys.transpose(-2, -1)) / std::sqrt(double(o_.d_k));
  const int64_t lk = keys.size(-2);
  const torch::Tensor score = o_.use_scores && shared ? p.score.view({1, 1, lk}) : p.score;
  const torch::Tensor mask = shared ? p.mask.view({1, 1, lk}) : p.mask;
  if (o_.use_scores) logits = (logits + score) / 2.0;
  logits = logits.masked_fill(mask.logical_not(), -INFINITY);
  const torch::Tensor weights = torch::softmax(logits, -1);  // [h,B*Lq,Lk] or [B,h,Lq,Lk]
  Outputs out;
  out.attention = shared ? weights.view({o_.heads, b, lq, lk}).transpose(0, 1) : weights;
  const torch::Tensor a = dropout_(weights);
  auto branch = [&](const torch::Tensor& v, torch::nn::Linear& f1, torch::nn::Linear& f2,
                    torch::nn::LayerNorm& fn, torch::nn::Linear& head) {
    torch::Tensor x =
        shared ? torch::matmul(a, v[0]).transpose(0, 1).reshape({b, lq, o_.heads * o_.d_v})
               : torch::matmul(a, v).transpose(1, 2).reshape({b, lq, o_.heads * o_.d_v});
    x = attn_norm_(dropout_(w_o_(x)) + q);
    x = fn(dropout_(f2(torch::relu(f1(x)))) + x);
    return head(x);
  };
  out.statement = branch(p.v, ff_s1_, ff_s2_, ff_s_norm_, statement_out_);
  if (with_operator) out.op = branch(p.v_op, ff_o1_, ff_o2_, ff_o_norm_, operator_out_);
  return out;
}

CrossAggregatorModuleImpl::Outputs CrossAggregatorModuleImpl::forward(const AggregatorBatch& in,
                                                                      bool with_operator) {
  return attend(in.query, in.query_pos, prepare(in, with_operator), with_operator);
}

void CrossAggregatorModuleImpl::init_heads(PCCoderNet& global) {
  if (global.options().hidden_dim != o_.d_model)
    throw std::invalid_argument("cross aggregator: d_model " + std::to_string(o_.d_model) +
                                " differs from the global model's hidden_dim " +
                                std::to_string(global.options().hidden_dim));
  torch::NoGradGuard no_grad;
  auto& m = *global.impl().module;
  auto s = pccoder_head(m, "statement_head"), op = pccoder_head(m, "operator_head");
  statement_out_->weight.copy_(s->weight);
  statement_out_->bias.copy_(s->bias);
  operator_out_->weight.copy_(op->weight);
  operator_out_->bias.copy_(op->bias);
}

// ---------------------------------------------------------------- facade

CrossAggregator::CrossAggregator(const AggregatorOptions& options, std::uint64_t seed,
                                 PCCoderNet* global, bool use_cuda)
    : impl_(std::make_unique<Impl>()) {
  torch::manual_seed(seed);
  impl_->options = options;
  impl_->module = CrossAggregatorModule(options);
  if (global) impl_->module->init_heads(*global);
  if (use_cuda && torch::cuda::is_available()) {
    impl_->device = torch::Device(torch::kCUDA);
    impl_->module->to(impl_->device);
  }
}
CrossAggregator::~CrossAggregator() = default;
CrossAggregator::CrossAggregator(CrossAggregator&&) noexcept = default;
CrossAggregator& CrossAggregator::operator=(CrossAggregator&&) noexcept = default;

const AggregatorOptions& CrossAggregator::options() const { return impl_->options; }
std::int64_t CrossAggregator::num_parameters() const {
  std::int64_t n = 0;
  for (const auto& p : impl_->module->parameters()) n += p.numel();
  return n;
}
bool CrossAggregator::on_cuda() const { return impl_->device.is_cuda(); }
int CrossAggregator::num_keys() const { return impl_->num_keys; }

namespace {
torch::Tensor ints(const std::vector<std::int32_t>& v, torch::Device dev) {
  return torch::from_blob(const_cast<std::int32_t*>(v.data()), {1, static_cast<int64_t>(v.size())},
                          torch::kInt32)
      .to(dev, torch::kLong);
}
}  // namespace

void CrossAggregator::set_keys(const AggregatorKeys& keys) {
  Impl& s = *impl_;
  s.num_keys = keys.count;
  s.prepared = {};
  if (keys.count == 0) return;
  if (keys.dim != s.options.d_model)
    throw std::invalid_argument("cross aggregator: keys of width " + std::to_string(keys.dim) +
                                ", the model needs " + std::to_string(s.options.d_model));
  torch::InferenceMode guard;
  s.module->eval();
  const int64_t n = keys.count;
  AggregatorBatch in;
  in.key =
      torch::from_blob(const_cast<float*>(keys.embedding.data()), {1, n, keys.dim}).to(s.device);
  in.key_pos = ints(keys.position, s.device);
  in.value = ints(keys.statement, s.device);
  in.key_mask = torch::ones({1, n}, torch::TensorOptions().dtype(torch::kBool).device(s.device));
  in.key_score = torch::from_blob(const_cast<float*>(keys.score.data()), {1, n}).to(s.device);
  s.prepared = s.module->prepare(in, false);
}

void CrossAggregator::predict(std::span<const float> queries, std::span<const int> depths,
                              std::vector<float>& statement_logits) {
  Impl& s = *impl_;
  if (s.num_keys == 0) throw std::logic_error("cross aggregator: predict() without keys");
  const int d = s.options.d_model;
  const int64_t n = static_cast<int64_t>(depths.size());
  if (queries.size() != static_cast<std::size_t>(n) * d)
    throw std::logic_error("cross aggregator: " + std::to_string(queries.size()) +
                           " query floats for " + std::to_string(n) + " depths");
  statement_logits.resize(static_cast<std::size_t>(n) * kNumStatements);
  torch::InferenceMode guard;
  s.module->eval();
  // Chunks bound the attention tensor (chunk x heads x keys floats).
  const int64_t chunk = std::max<int64_t>(1, (1 << 24) / (int64_t(s.options.heads) * s.num_keys));
  std::vector<std::int64_t> pos(depths.begin(), depths.end());
  for (int64_t lo = 0; lo < n; lo += chunk) {
    const int64_t m = std::min(chunk, n - lo);
    const torch::Tensor q =
        torch::from_blob(const_cast<float*>(queries.data()) + lo * d, {m, 1, d}).to(s.device);
    const torch::Tensor qp = torch::from_blob(pos.data() + lo, {m, 1}, torch::kLong).to(s.device);
    const torch::Tensor out =
        s.module->attend(q, qp, s.prepared, false).statement.to(torch::kCPU).contiguous();
    std::copy_n(out.data_ptr<float>(), m * kNumStatements,
                statement_logits.data() + lo * kNumStatements);
  }
}

// ---------------------------------------------------------------- checkpoints

namespace {

constexpr const char* kKind = "cross-aggregator";

using Raw = CheckpointContents<AggregatorCheckpoint>;

Raw read_raw(const std::string& path, bool with_archive) {
  return read_checkpoint_contents<AggregatorCheckpoint>(path, with_archive,
                                                        aggregator_options_from_json);
}

}  // namespace

nlohmann::json to_json(const AggregatorOptions& o) {
  return {{"kind", kKind},
          {"d_model", o.d_model},
          {"heads", o.heads},
          {"d_k", o.d_k},
          {"d_v", o.d_v},
          {"d_inner", o.d_inner},
          {"dropout", o.dropout},
          {"max_positions", o.max_positions},
          {"use_scores", o.use_scores},
          {"key_encoder", o.key_encoder == KeyEncoder::PE ? "pe" : "global"}};
}

std::int64_t stored_value_count(const AggregatorOptions& o) {
  const std::int64_t d = o.d_model, qk = std::int64_t{o.heads} * o.d_k,
                     v = std::int64_t{o.heads} * o.d_v, inner = o.d_inner;
  const std::int64_t embeddings = (kNumStatements + 1 + kNumOperators + 1) * d;
  const std::int64_t norms = 4 * 2 * d;
  const std::int64_t attention = 2 * d * qk + 2 * d * v;
  const std::int64_t feed_forward = 2 * (d * inner + inner + inner * d + d);
  const std::int64_t heads =
      d * kNumStatements + kNumStatements + d * kNumOperators + kNumOperators;
  const std::int64_t position_table = std::int64_t{o.max_positions} * d;
  return embeddings + norms + attention + feed_forward + heads + position_table;
}

AggregatorOptions aggregator_options_from_json(const nlohmann::json& j) {
  check_architecture_kind(j, kKind, false);
  auto field = [&](const char* name) { return architecture_positive_int(j, name); };
  AggregatorOptions o;
  o.d_model = field("d_model");
  o.heads = field("heads");
  o.d_k = field("d_k");
  o.d_v = field("d_v");
  o.d_inner = field("d_inner");
  o.max_positions = field("max_positions");
  if (!j.contains("dropout") || !j["dropout"].is_number())
    throw CheckpointError("architecture field 'dropout' is missing or not a number");
  o.dropout = j["dropout"].get<double>();
  if (!j.contains("use_scores") || !j["use_scores"].is_boolean())
    throw CheckpointError("architecture field 'use_scores' is missing or not a boolean");
  o.use_scores = j["use_scores"].get<bool>();
  const std::string enc = j.value("key_encoder", std::string());
  if (enc != "pe" && enc != "global")
    throw CheckpointError("architecture field 'key_encoder' must be \"pe\" or \"global\"");
  o.key_encoder = enc == "pe" ? KeyEncoder::PE : KeyEncoder::Global;
  return o;
}

void save_aggregator(const std::string& path, const CrossAggregator& model,
                     AggregatorCheckpoint header, const torch::optim::Optimizer* optimizer) {
  header.architecture = model.options();
  header.has_optimizer = optimizer != nullptr;
  write_checkpoint_file(path, checkpoint_header_json(header), *model.impl().module, optimizer,
                        header.float16);
}

void save_aggregator(const std::string& path, const CrossAggregator& model,
                     AggregatorCheckpoint header) {
  save_aggregator(path, model, std::move(header), nullptr);
}

AggregatorCheckpoint read_aggregator_header(const std::string& path) {
  return read_raw(path, false).header;
}

LoadedAggregator load_aggregator(const std::string& path, bool use_cuda) {
  Raw raw = read_raw(path, true);
  CrossAggregator model = [&] {
    try {
      return CrossAggregator(raw.header.architecture, 1, nullptr, use_cuda);
    } catch (const std::exception& e) {  // bad sizes (dropout), allocation failures
      throw CheckpointError("checkpoint '" + path + "': cannot build its network " +
                            to_json(raw.header.architecture).dump() + ": " + e.what());
    }
  }();
  load_checkpoint_module(raw.archive, *model.impl().module, model.impl().device, path,
                         raw.header.float16);
  return LoadedAggregator{std::move(raw.header), std::move(model)};
}

void load_aggregator_optimizer(const std::string& path, torch::optim::Optimizer& optimizer) {
  const Raw raw = read_raw(path, true);
  load_checkpoint_optimizer(raw.archive, raw.header.has_optimizer, path, optimizer);
}

}  // namespace npeps
