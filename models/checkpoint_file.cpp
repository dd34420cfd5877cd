#include "models/checkpoint_file.h"

#include <cstdio>
#include <filesystem>
#include <iterator>
#include <sstream>
#include <utility>
#include <vector>

#include "models/archive_check.h"

namespace npeps {
namespace {

constexpr const char* kMagic = "npeps-checkpoint 1";

// The first line of an error message (torch appends stack traces).
std::string first_line(const std::string& what) { return what.substr(0, what.find('\n')); }

std::string shape_string(const torch::Tensor& t) {
  std::ostringstream s;
  s << t.sizes();
  return s.str();
}

// Parses archive bytes onto `device`.
torch::serialize::InputArchive open_archive(const std::string& archive, const std::string& path,
                                            torch::Device device) {
  torch::serialize::InputArchive a;
  try {
    a.load_from(archive.data(), archive.size(), device);
  } catch (const std::exception&) {  // c10::Error, or TorchScript's own errors for flipped bytes
    throw CheckpointError("checkpoint '" + path + "' is truncated or corrupt (weights unreadable)");
  }
  return a;
}

}  // namespace

std::ifstream open_checkpoint_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CheckpointError("cannot open checkpoint '" + path + "'");
  return in;
}

nlohmann::json read_checkpoint_header_json(std::istream& in, const std::string& path) {
  std::string magic, header;
  if (!std::getline(in, magic) || magic != kMagic)
    throw CheckpointError("'" + path + "' is not an npeps checkpoint (bad magic line)");
  if (!std::getline(in, header) || in.eof())
    throw CheckpointError("checkpoint '" + path + "' is truncated (in the header)");
  try {
    return nlohmann::json::parse(header);
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError("checkpoint '" + path + "': corrupt header: " + e.what());
  }
}

std::string read_checkpoint_archive(std::istream& in, const std::string& path) {
  std::string archive{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (archive.empty()) throw CheckpointError("checkpoint '" + path + "' is truncated (no weights)");
  if (const std::string problem = archive_problem(archive); !problem.empty())
    throw CheckpointError("checkpoint '" + path +
                          "' is truncated or corrupt: weights archive: " + problem);
  return archive;
}

void check_architecture_kind(const nlohmann::json& j, const std::string& kind,
                             bool may_be_missing) {
  if (!j.is_object()) throw CheckpointError("architecture is not a JSON object");
  if (j.value("kind", may_be_missing ? kind : std::string()) != kind)
    throw CheckpointError("architecture kind '" + j.value("kind", std::string()) + "' is not '" +
                          kind + "'");
}

int architecture_positive_int(const nlohmann::json& j, const char* name) {
  if (!j.contains(name) || !j[name].is_number_integer() || j[name].get<std::int64_t>() < 1)
    throw CheckpointError(std::string("architecture field '") + name +
                          "' is missing or not a positive integer");
  if (j[name].get<std::int64_t>() > kMaxArchitectureField)
    throw CheckpointError(std::string("architecture field '") + name + "' is " + j[name].dump() +
                          ", more than " + std::to_string(kMaxArchitectureField));
  return j[name].get<int>();
}

void check_weights_fit(std::int64_t parameters, bool float16, std::uint64_t weight_bytes,
                       const std::string& path) {
  const double needed = static_cast<double>(parameters) * (float16 ? 2 : 4);
  if (needed > static_cast<double>(weight_bytes))
    throw CheckpointError("checkpoint '" + path + "': the architecture needs " +
                          std::to_string(parameters) + " parameters (" +
                          std::to_string(static_cast<std::int64_t>(needed)) +
                          " bytes), the file holds only " + std::to_string(weight_bytes) +
                          " bytes of weights: corrupt header or truncated file");
}

std::uint64_t bytes_left(std::istream& in, const std::string& path) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  const std::streamoff at = in.tellg();
  if (ec || at < 0 || static_cast<std::uintmax_t>(at) > size) return 0;
  return size - static_cast<std::uintmax_t>(at);
}

namespace {

torch::Tensor stored(const torch::Tensor& t, bool float16) {
  return float16 && t.is_floating_point() ? t.detach().to(torch::kCPU, torch::kHalf) : t;
}

// torch::nn::Module::save, with floating-point tensors as float16.
void save_module(const torch::nn::Module& m, torch::serialize::OutputArchive& a, bool float16) {
  for (const auto& p : m.named_parameters(/*recurse=*/false))
    a.write(p.key(), stored(p.value(), float16));
  for (const auto& b : m.named_buffers(/*recurse=*/false))
    a.write(b.key(), stored(b.value(), float16), /*is_buffer=*/true);
  for (const auto& c : m.named_children()) {
    if (!c.value()->is_serializable()) continue;
    torch::serialize::OutputArchive child;
    save_module(*c.value(), child, float16);
    a.write(c.key(), child);
  }
}

}  // namespace

void write_checkpoint_file(const std::string& path, const nlohmann::json& header,
                           const torch::nn::Module& module,
                           const torch::optim::Optimizer* optimizer, bool float16) {
  float16 = float16 && !optimizer;  // training checkpoints keep full precision
  const std::string tmp = path + ".tmp";
  try {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw CheckpointError("cannot write checkpoint '" + tmp + "'");
    nlohmann::json h = header;
    h["weights"] = float16 ? "float16" : "float32";
    out << kMagic << '\n' << h.dump() << '\n';
    torch::serialize::OutputArchive top, model;
    save_module(module, model, float16);
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

void load_checkpoint_module(const std::string& archive, torch::nn::Module& module,
                            torch::Device device, const std::string& path, bool float16) {
  torch::serialize::InputArchive top = open_archive(archive, path, device);
  std::vector<std::pair<std::string, std::vector<int64_t>>> shapes;
  for (const auto& p : module.named_parameters())
    shapes.emplace_back(p.key(), p.value().sizes().vec());
  try {
    torch::serialize::InputArchive model;
    top.read("model", model);
    // Archive reads keep the module's dtype: load float16 into float16.
    if (float16) module.to(torch::kHalf);
    module.load(model);
    if (float16) module.to(torch::kFloat);
  } catch (const c10::Error& e) {
    throw CheckpointError(
        "checkpoint '" + path +
        "' does not match its architecture or is corrupt: " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw CheckpointError("checkpoint '" + path + "' is corrupt: " + first_line(e.what()));
  }
  // find() points into the dictionary: keep it alive (a temporary's was
  // read after it was freed; ThreadSanitizer found it).
  const auto loaded = module.named_parameters();
  for (const auto& [name, shape] : shapes) {
    const torch::Tensor* t = loaded.find(name);
    if (!t || t->sizes().vec() != shape)
      throw CheckpointError("checkpoint '" + path + "': parameter '" + name + "' has shape " +
                            (t ? shape_string(*t) : std::string("(missing)")) +
                            ", the architecture needs " + shape_string(torch::empty(shape)));
  }
  module.to(device);
}

void load_checkpoint_optimizer(const std::string& archive, bool has_optimizer,
                               const std::string& path, torch::optim::Optimizer& optimizer) {
  if (!has_optimizer) throw CheckpointError("checkpoint '" + path + "' holds no optimizer state");
  torch::Device device = torch::kCPU;
  for (const auto& g : optimizer.param_groups())
    if (!g.params().empty()) device = g.params().front().device();
  torch::serialize::InputArchive top = open_archive(archive, path, device);
  try {
    torch::serialize::InputArchive opt;
    top.read("optimizer", opt);
    optimizer.load(opt);
  } catch (const c10::Error& e) {
    throw CheckpointError("checkpoint '" + path +
                          "': bad optimizer state: " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw CheckpointError("checkpoint '" + path +
                          "': bad optimizer state: " + first_line(e.what()));
  }
}

}  // namespace npeps
