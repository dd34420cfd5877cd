#include "models/checkpoint.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "models/checkpoint_internal.h"
#include "models/pccoder_module.h"

namespace npeps {
namespace {

constexpr const char* kMagic = "npeps-checkpoint 1";

std::string shape_string(const torch::Tensor& t) {
  std::ostringstream s;
  s << t.sizes();
  return s.str();
}

// The parsed text part of a checkpoint plus the raw archive bytes.
struct RawCheckpoint {
  CheckpointHeader header;
  std::string archive;
};

CheckpointHeader header_from_json(const nlohmann::json& j, const std::string& path) {
  CheckpointHeader h;
  try {
    h.dsl_version = j.at("dsl_version").get<std::string>();
    if (h.dsl_version != kDslVersion)
      throw CheckpointError("checkpoint '" + path + "' is for DSL version '" + h.dsl_version +
                            "', but this build uses '" + kDslVersion + "'");
    h.architecture = net_options_from_json(j.at("architecture"));
    h.step = j.value("step", std::int64_t{0});
    h.epoch = j.value("epoch", 0);
    h.metrics = j.value("metrics", nlohmann::json::object());
    h.has_optimizer = j.value("has_optimizer", false);
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError("checkpoint '" + path + "': bad header: " + e.what());
  } catch (const CheckpointError& e) {
    if (std::string(e.what()).rfind("checkpoint '", 0) == 0) throw;
    throw CheckpointError("checkpoint '" + path + "': " + e.what());
  }
  return h;
}

RawCheckpoint read_raw(const std::string& path, bool with_archive) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CheckpointError("cannot open checkpoint '" + path + "'");
  std::string magic, header;
  if (!std::getline(in, magic) || magic != kMagic)
    throw CheckpointError("'" + path + "' is not an npeps checkpoint (bad magic line)");
  if (!std::getline(in, header) || in.eof())
    throw CheckpointError("checkpoint '" + path + "' is truncated (in the header)");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(header);
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError("checkpoint '" + path + "': corrupt header: " + e.what());
  }
  RawCheckpoint raw{header_from_json(j, path), {}};
  if (with_archive) {
    raw.archive.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (raw.archive.empty())
      throw CheckpointError("checkpoint '" + path + "' is truncated (no weights)");
  }
  return raw;
}

torch::serialize::InputArchive open_archive(const RawCheckpoint& raw, const std::string& path,
                                            torch::Device device) {
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(raw.archive.data(), raw.archive.size(), device);
  } catch (const c10::Error& e) {
    throw CheckpointError("checkpoint '" + path + "' is truncated or corrupt (weights unreadable)");
  }
  return archive;
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

NetOptions net_options_from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw CheckpointError("architecture is not a JSON object");
  if (j.value("kind", std::string("pccoder")) != "pccoder")
    throw CheckpointError("architecture kind '" + j.value("kind", std::string()) +
                          "' is not 'pccoder'");
  auto field = [&](const char* name) {
    if (!j.contains(name) || !j[name].is_number_integer() || j[name].get<int>() < 1)
      throw CheckpointError(std::string("architecture field '") + name +
                            "' is missing or not a positive integer");
    return j[name].get<int>();
  };
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
  const nlohmann::json j = {{"dsl_version", header.dsl_version},
                            {"architecture", to_json(header.architecture)},
                            {"step", header.step},
                            {"epoch", header.epoch},
                            {"metrics", header.metrics},
                            {"has_optimizer", header.has_optimizer}};
  const std::string tmp = path + ".tmp";
  try {
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw CheckpointError("cannot write checkpoint '" + tmp + "'");
    out << kMagic << '\n' << j.dump() << '\n';
    torch::serialize::OutputArchive top, model;
    net.impl().module->save(model);
    top.write("model", model);
    if (optimizer) {
      torch::serialize::OutputArchive opt;
      optimizer->save(opt);
      top.write("optimizer", opt);
    }
    top.save_to(out);
    out.close();
    if (!out) throw CheckpointError("failed writing checkpoint '" + tmp + "'");
    std::filesystem::rename(tmp, path);
  } catch (const c10::Error& e) {
    std::remove(tmp.c_str());
    throw CheckpointError("failed writing checkpoint '" + path +
                          "': " + e.what_without_backtrace());
  } catch (const std::filesystem::filesystem_error& e) {
    std::remove(tmp.c_str());
    throw CheckpointError("failed writing checkpoint '" + path + "': " + e.what());
  }
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
  PCCoderNet net(arch, 1, use_cuda);
  auto& module = net.impl().module;
  torch::serialize::InputArchive top = open_archive(raw, path, net.impl().device);
  // Archive reads replace tensors wholesale (shapes included), so shapes
  // are checked against the architecture afterwards.
  std::vector<std::pair<std::string, std::vector<int64_t>>> shapes;
  for (const auto& p : module->named_parameters())
    shapes.emplace_back(p.key(), p.value().sizes().vec());
  try {
    torch::serialize::InputArchive model;
    top.read("model", model);
    module->load(model);
  } catch (const c10::Error& e) {
    throw CheckpointError(
        "checkpoint '" + path +
        "' does not match its architecture or is corrupt: " + e.what_without_backtrace());
  }
  for (const auto& [name, shape] : shapes) {
    const torch::Tensor* t = module->named_parameters().find(name);
    if (!t || t->sizes().vec() != shape)
      throw CheckpointError("checkpoint '" + path + "': parameter '" + name + "' has shape " +
                            (t ? shape_string(*t) : std::string("(missing)")) +
                            ", the architecture needs " + shape_string(torch::empty(shape)));
  }
  module->to(net.impl().device);
  return LoadedModel{std::move(raw.header), std::move(net)};
}

void load_optimizer_state(const std::string& path, torch::optim::Optimizer& optimizer) {
  RawCheckpoint raw = read_raw(path, true);
  if (!raw.header.has_optimizer)
    throw CheckpointError("checkpoint '" + path + "' holds no optimizer state");
  torch::Device device = torch::kCPU;
  for (const auto& g : optimizer.param_groups())
    if (!g.params().empty()) device = g.params().front().device();
  torch::serialize::InputArchive top = open_archive(raw, path, device);
  try {
    torch::serialize::InputArchive opt;
    top.read("optimizer", opt);
    optimizer.load(opt);
  } catch (const c10::Error& e) {
    throw CheckpointError("checkpoint '" + path +
                          "': bad optimizer state: " + e.what_without_backtrace());
  }
}

}  // namespace npeps
