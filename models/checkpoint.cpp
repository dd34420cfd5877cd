#include "models/checkpoint.h"

#include "models/checkpoint_file.h"
#include "models/checkpoint_internal.h"
#include "models/pccoder_module.h"

namespace npeps {
namespace {

using RawCheckpoint = CheckpointContents<CheckpointHeader>;

RawCheckpoint read_raw(const std::string& path, bool with_archive) {
  return read_checkpoint_contents<CheckpointHeader>(path, with_archive, net_options_from_json);
}

}  // namespace

nlohmann::json to_json(const NetOptions& o) {
  return {{"kind", "pccoder"},
          {"embedding_dim", o.embedding_dim},
          {"var_encoder_dim", o.var_encoder_dim},
          {"dense_layers", o.dense_layers},
          {"dense_growth", o.dense_growth},
          {"hidden_dim", o.hidden_dim}};
}

std::int64_t stored_value_count(const NetOptions& o) {
  auto linear = [](std::int64_t in, std::int64_t out) { return in * out + out; };
  const std::int64_t e = o.embedding_dim, v = o.var_encoder_dim, g = o.dense_growth,
                     h = o.hidden_dim;
  std::int64_t n = std::int64_t{kNumValueTokens} * e + linear(kMaxListLength * e + 2, v);
  for (std::int64_t i = 0; i < o.dense_layers; ++i)
    n += linear(v * kStateVars + i * g, i + 1 == o.dense_layers ? h : g);
  n += linear(h, kNumStatements) + linear(h, kNumSlots) + linear(h, kNumOperators);
  return n + 6;  // the type_table buffer
}

NetOptions net_options_from_json(const nlohmann::json& j) {
  check_architecture_kind(j, "pccoder", true);
  auto field = [&](const char* name) { return architecture_positive_int(j, name); };
  NetOptions o;
  o.embedding_dim = field("embedding_dim");
  o.var_encoder_dim = field("var_encoder_dim");
  o.dense_layers = field("dense_layers");
  o.dense_growth = field("dense_growth");
  o.hidden_dim = field("hidden_dim");
  return o;
}

void save_checkpoint(const std::string& path, const PCCoderNet& net, CheckpointHeader header,
                     const torch::optim::Optimizer* optimizer) {
  header.architecture = net.options();
  header.dsl_version = kDslVersion;
  header.has_optimizer = optimizer != nullptr;
  write_checkpoint_file(path, checkpoint_header_json(header), *net.impl().module, optimizer,
                        header.float16);
}

void save_checkpoint(const std::string& path, const PCCoderNet& net, CheckpointHeader header) {
  save_checkpoint(path, net, std::move(header), nullptr);
}

CheckpointHeader read_checkpoint_header(const std::string& path) {
  return read_raw(path, false).header;
}

LoadedModel load_checkpoint(const std::string& path, const NetOptions* expected, bool use_cuda) {
  RawCheckpoint raw = read_raw(path, true);
  const NetOptions& arch = raw.header.architecture;
  if (expected && !(*expected == arch))
    throw CheckpointError("checkpoint '" + path + "' has another architecture: file " +
                          to_json(arch).dump() + ", expected " + to_json(*expected).dump());
  PCCoderNet net = [&] {
    try {
      return PCCoderNet(arch, 1, use_cuda);
    } catch (const std::exception& e) {  // bad sizes; allocation failures
      throw CheckpointError("checkpoint '" + path + "': cannot build its network " +
                            to_json(arch).dump() + ": " + e.what());
    }
  }();
  load_checkpoint_module(raw.archive, *net.impl().module, net.impl().device, path,
                         raw.header.float16);
  return LoadedModel{std::move(raw.header), std::move(net)};
}

void load_optimizer_state(const std::string& path, torch::optim::Optimizer& optimizer) {
  const RawCheckpoint raw = read_raw(path, true);
  load_checkpoint_optimizer(raw.archive, raw.header.has_optimizer, path, optimizer);
}

}  // namespace npeps
