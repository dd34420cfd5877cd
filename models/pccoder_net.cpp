#include <dlfcn.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "dsl/statement_space.h"
#include "models/blas_kernel.h"
#include "models/pccoder_internal.h"
#include "models/state_encoder.h"

namespace npeps {

PCCoderModuleImpl::PCCoderModuleImpl(const NetOptions& o)
    : opts_(o), cache_(std::make_shared<EncoderCache>()) {
  if (o.embedding_dim < 1 || o.var_encoder_dim < 1 || o.dense_layers < 2 || o.dense_growth < 1 ||
      o.hidden_dim < 1)
    throw std::invalid_argument("NetOptions: sizes must be positive and dense_layers >= 2");
  embedding_ = register_module("embedding", torch::nn::Embedding(kNumValueTokens, o.embedding_dim));
  var_encoder_ = register_module(
      "var_encoder", torch::nn::Linear(kMaxListLength * o.embedding_dim + 2, o.var_encoder_dim));
  const int in = o.var_encoder_dim * kStateVars;
  for (int i = 0; i < o.dense_layers; ++i) {
    const int out = i + 1 == o.dense_layers ? o.hidden_dim : o.dense_growth;
    dense_.push_back(register_module("dense" + std::to_string(i),
                                     torch::nn::Linear(in + i * o.dense_growth, out)));
  }
  statement_head_ =
      register_module("statement_head", torch::nn::Linear(o.hidden_dim, kNumStatements));
  drop_head_ = register_module("drop_head", torch::nn::Linear(o.hidden_dim, kNumSlots));
  operator_head_ = register_module("operator_head", torch::nn::Linear(o.hidden_dim, kNumOperators));
  type_table_ =
      register_buffer("type_table", torch::tensor({0.f, 0.f, 1.f, 0.f, 0.f, 1.f}).reshape({3, 2}));
}

namespace {

template <class M>
M child(PCCoderModuleImpl& m, const std::string& name) {
  auto c = m.named_children();
  const auto* p = c.find(name);
  if (!p) throw std::logic_error("PCCoder module has no submodule '" + name + "'");
  return M(std::dynamic_pointer_cast<typename M::ContainedType>(*p));
}

}  // namespace

PCCoderModuleImpl::Outputs PCCoderModuleImpl::forward(const torch::Tensor& tokens,
                                                      const torch::Tensor& counts) {
  const torch::Tensor x =
      encode_states(opts_, {embedding_, var_encoder_, dense_, type_table_, cache_.get()},
                    tokens, counts);
  return {statement_head_(x), drop_head_(x), operator_head_(x)};
}

namespace {
template <class Encode>
torch::Tensor embed_with(PCCoderModuleImpl& m, const NetOptions& o, const torch::Tensor& tokens,
                         const torch::Tensor& counts, Encode encode) {
  auto embedding = child<torch::nn::Embedding>(m, "embedding");
  auto var_encoder = child<torch::nn::Linear>(m, "var_encoder");
  std::vector<torch::nn::Linear> dense;
  for (int i = 0; i < o.dense_layers; ++i)
    dense.push_back(child<torch::nn::Linear>(m, "dense" + std::to_string(i)));
  // Keep the dictionary alive: find() points into it.
  const auto buffers = m.named_buffers();
  const torch::Tensor* table = buffers.find("type_table");
  if (!table) throw std::logic_error("PCCoder module has no type_table buffer");
  return encode(o, StateEncoderParts{embedding, var_encoder, dense, *table, &m.encoder_cache()},
                tokens, counts);
}
}  // namespace

torch::Tensor pccoder_embedding(PCCoderModuleImpl& m, const NetOptions& o,
                                const torch::Tensor& tokens, const torch::Tensor& counts) {
  return embed_with(m, o, tokens, counts, encode_states);
}

torch::Tensor pccoder_embedding_reference(PCCoderModuleImpl& m, const NetOptions& o,
                                          const torch::Tensor& tokens,
                                          const torch::Tensor& counts) {
  return embed_with(m, o, tokens, counts, encode_states_reference);
}

torch::nn::Linear pccoder_head(PCCoderModuleImpl& m, const std::string& name) {
  return child<torch::nn::Linear>(m, name);
}

std::pair<torch::Tensor, torch::Tensor> to_tensors(const EncodedBatch& batch,
                                                   torch::Device device) {
  auto* tok = const_cast<std::int16_t*>(batch.tokens.data());
  auto* cnt = const_cast<std::int16_t*>(batch.example_count.data());
  torch::Tensor t =
      torch::from_blob(tok, {batch.batch, batch.examples, kStateVars, kSlotWidth}, torch::kInt16);
  torch::Tensor c = torch::from_blob(cnt, {batch.batch}, torch::kInt16);
  // On the CPU the tokens stay int16 (encode_states reads them as they
  // are; a copy, since the batch's storage is reused); elsewhere int64.
  if (device.is_cpu()) return {t.clone(), c.to(torch::kLong)};
  return {t.to(device, torch::kLong), c.to(device, torch::kLong)};
}

Losses compute_losses(const PCCoderModuleImpl::Outputs& out, const torch::Tensor& statement,
                      const torch::Tensor& drop, const torch::Tensor& op) {
  Losses l;
  l.statement = torch::nn::functional::cross_entropy(out.statement, statement);
  l.drop = torch::nn::functional::binary_cross_entropy_with_logits(out.drop, drop);
  l.op = torch::nn::functional::cross_entropy(out.op, op);
  l.total = l.statement + l.drop + l.op;
  return l;
}

PCCoderNet::PCCoderNet(const NetOptions& options, std::uint64_t seed, bool use_cuda)
    : impl_(std::make_unique<Impl>()) {
  select_blas_kernel();
  torch::manual_seed(seed);
  impl_->options = options;
  impl_->module = PCCoderModule(options);
  if (use_cuda && torch::cuda::is_available()) {
    impl_->device = torch::Device(torch::kCUDA);
    impl_->module->to(impl_->device);
  }
}

PCCoderNet::~PCCoderNet() = default;
PCCoderNet::PCCoderNet(PCCoderNet&&) noexcept = default;
PCCoderNet& PCCoderNet::operator=(PCCoderNet&&) noexcept = default;

const NetOptions& PCCoderNet::options() const { return impl_->options; }

std::int64_t PCCoderNet::num_parameters() const {
  std::int64_t n = 0;
  for (const auto& p : impl_->module->parameters()) n += p.numel();
  return n;
}

bool PCCoderNet::on_cuda() const { return impl_->device.is_cuda(); }

namespace {
void copy_out(const torch::Tensor& t, std::vector<float>& v) {
  const torch::Tensor c = t.to(torch::kCPU, torch::kFloat).contiguous();
  v.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}
}  // namespace

void PCCoderNet::forward(const EncodedBatch& batch, NetOutput& out) {
  torch::InferenceMode guard;
  impl_->module->eval();
  auto [tokens, counts] = to_tensors(batch, impl_->device);
  const auto o = impl_->module->forward(tokens, counts);
  out.batch = batch.batch;
  copy_out(o.statement, out.statement_logits);
  copy_out(o.drop, out.drop_logits);
  copy_out(o.op, out.operator_logits);
}

void PCCoderNet::embed(const EncodedBatch& batch, std::vector<float>& embedding, NetOutput* out) {
  torch::InferenceMode guard;
  auto& m = impl_->module;
  m->eval();
  auto [tokens, counts] = to_tensors(batch, impl_->device);
  const torch::Tensor x = pccoder_embedding(*m, impl_->options, tokens, counts);
  copy_out(x, embedding);
  if (!out) return;
  out->batch = batch.batch;
  copy_out(pccoder_head(*m, "statement_head")(x), out->statement_logits);
  copy_out(pccoder_head(*m, "drop_head")(x), out->drop_logits);
  copy_out(pccoder_head(*m, "operator_head")(x), out->operator_logits);
}

void set_torch_threads(int threads) {
  select_blas_kernel();
  static const bool interop_once = [] {
    try {
      at::set_num_interop_threads(1);
    } catch (const c10::Error&) {
      // Already started by earlier torch work: keep its size.
    }
    return true;
  }();
  (void)interop_once;
  if (threads <= 0) return;
  const char* env = std::getenv("NPEPS_TORCH_THREADS");
  threads = env && std::atoi(env) > 0 ? std::atoi(env) : 1;
  torch::set_num_threads(threads);
  // libtorch leaves OpenBLAS's own pthread pool (sized to all cores) alone;
  // without this, "1 thread" still runs matrix products on every core and
  // the two pools oversubscribe the machine. Looked up at run time so that
  // builds on other BLAS libraries need nothing.
  using SetThreads = void (*)(int);
  if (auto* f = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
    f(threads);
}

bool cuda_available() { return torch::cuda::is_available(); }

}  // namespace npeps
