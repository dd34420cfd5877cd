#include "models/distributed.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "models/distributed_internal.h"

#ifdef NPEPS_WITH_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace npeps {

// ---------------------------------------------------------------- settings

namespace {

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  try {
    std::size_t used = 0;
    const int x = std::stoi(v, &used);
    if (used != std::string(v).size()) throw std::invalid_argument(v);
    return x;
  } catch (const std::exception&) {
    throw DistributedError(std::string(name) + "='" + v + "' is not an integer");
  }
}

}  // namespace

DistributedOptions DistributedOptions::from_environment() {
  DistributedOptions o;
  o.rank = env_int("RANK", o.rank);
  o.world_size = env_int("WORLD_SIZE", o.world_size);
  if (const char* a = std::getenv("MASTER_ADDR"); a && *a) o.master_addr = a;
  o.master_port = env_int("MASTER_PORT", o.master_port);
  return o;
}

void DistributedOptions::validate() const {
  if (world_size < 1) throw DistributedError("world size must be >= 1");
  if (rank < 0 || rank >= world_size)
    throw DistributedError("rank " + std::to_string(rank) + " is outside 0.." +
                           std::to_string(world_size - 1));
  if (master_port < 1 || master_port > 65535)
    throw DistributedError("master port must be in 1..65535");
  if (world_size > 1 && master_addr.empty()) throw DistributedError("no master address");
  if (!(timeout_s > 0)) throw DistributedError("timeout must be > 0");
}

Slice rank_slice(std::int64_t n, int rank, int world) {
  const std::int64_t base = n / world, extra = n % world;
  Slice s;
  s.size = base + (rank < extra ? 1 : 0);
  s.begin = rank * base + std::min<std::int64_t>(rank, extra);
  return s;
}

bool agrees_with_rank0(ProcessGroup& group, std::span<const double> values) {
  std::vector<double> root(values.begin(), values.end());
  group.broadcast(root);
  double differ = std::equal(root.begin(), root.end(), values.begin()) ? 0 : 1;
  group.allreduce_sum(std::span(&differ, 1));  // so that every rank answers the same
  return differ == 0;
}

std::unique_ptr<ProcessGroup> make_process_group(const DistributedOptions& options) {
  options.validate();
  if (!options.enabled()) return nullptr;
  return std::make_unique<ProcessGroup>(options);
}

// ---------------------------------------------------------------- the group

#ifdef NPEPS_WITH_GLOO

bool distributed_available() { return true; }

struct ProcessGroup::Impl {
  int rank = 0, world = 1;
  double seconds = 0;  // in collectives
  c10::intrusive_ptr<c10d::TCPStore> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> pg;

  // Runs one collective and waits; c10 errors become DistributedError.
  template <class F>
  void run(const char* what, F&& f) {
    const auto t0 = std::chrono::steady_clock::now();
    try {
      f()->wait();
      seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    } catch (const c10::Error& e) {
      throw DistributedError(std::string(what) + " failed on rank " + std::to_string(rank) + ": " +
                             e.what_without_backtrace());
    } catch (const std::exception& e) {
      throw DistributedError(std::string(what) + " failed on rank " + std::to_string(rank) + ": " +
                             e.what());
    }
  }
};

namespace {

// The network device Gloo uses: GLOO_SOCKET_IFNAME's interface when set (as
// torch.distributed does), loopback for a loopback master, else the
// address the host name resolves to.
std::shared_ptr<::gloo::transport::Device> gloo_device(const std::string& master_addr) {
  if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname)
    return c10d::ProcessGroupGloo::createDeviceForInterface(ifname);
  if (master_addr == "localhost" || master_addr.rfind("127.", 0) == 0)
    return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  return c10d::ProcessGroupGloo::createDefaultDevice();
}

}  // namespace

ProcessGroup::ProcessGroup(const DistributedOptions& o) : impl_(std::make_unique<Impl>()) {
  o.validate();
  impl_->rank = o.rank;
  impl_->world = o.world_size;
  const auto timeout = std::chrono::milliseconds(static_cast<std::int64_t>(o.timeout_s * 1000));
  try {
    c10d::TCPStoreOptions so;
    so.port = static_cast<std::uint16_t>(o.master_port);
    so.isServer = o.rank == 0;
    so.numWorkers = static_cast<std::size_t>(o.world_size);
    so.waitWorkers = true;
    so.timeout = timeout;
    impl_->store = c10::make_intrusive<c10d::TCPStore>(o.master_addr, so);
    auto go = c10d::ProcessGroupGloo::Options::create(timeout);
    go->devices.push_back(gloo_device(o.master_addr));
    go->threads = 2;
    impl_->pg = c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, o.rank, o.world_size, go);
  } catch (const c10::Error& e) {
    throw DistributedError("rendezvous at " + o.master_addr + ":" + std::to_string(o.master_port) +
                           " failed (rank " + std::to_string(o.rank) + " of " +
                           std::to_string(o.world_size) + "): " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw DistributedError("rendezvous at " + o.master_addr + ":" + std::to_string(o.master_port) +
                           " failed (rank " + std::to_string(o.rank) + " of " +
                           std::to_string(o.world_size) + "): " + e.what());
  }
}

void ProcessGroup::allreduce_sum(std::span<double> values) {
  if (values.empty()) return;
  std::vector<torch::Tensor> t = {
      torch::from_blob(values.data(), {static_cast<std::int64_t>(values.size())}, torch::kDouble)};
  impl_->run("allreduce", [&] { return impl_->pg->allreduce(t); });
}

void ProcessGroup::broadcast(std::span<double> values) {
  if (values.empty()) return;
  std::vector<torch::Tensor> t = {
      torch::from_blob(values.data(), {static_cast<std::int64_t>(values.size())}, torch::kDouble)};
  impl_->run("broadcast", [&] { return impl_->pg->broadcast(t); });
}

void ProcessGroup::barrier() {
  impl_->run("barrier", [&] { return impl_->pg->barrier(); });
}

// ---------------------------------------------------------------- tensors

namespace {

// The trainable parameters' gradients (zeros where undefined).
std::vector<torch::Tensor> gradients(const std::vector<torch::Tensor>& parameters) {
  std::vector<torch::Tensor> g;
  for (const torch::Tensor& p : parameters) {
    if (!p.requires_grad()) continue;
    if (!p.grad().defined()) const_cast<torch::Tensor&>(p).mutable_grad() = torch::zeros_like(p);
    g.push_back(p.grad());
  }
  return g;
}

// One contiguous CPU float buffer over `ts`; unflatten() copies it back.
torch::Tensor flatten(const std::vector<torch::Tensor>& ts) {
  std::vector<torch::Tensor> flat;
  for (const torch::Tensor& t : ts) flat.push_back(t.detach().reshape({-1}).to(torch::kCPU));
  return torch::cat(flat);
}
void unflatten(const torch::Tensor& buffer, const std::vector<torch::Tensor>& ts) {
  torch::NoGradGuard no_grad;
  std::int64_t at = 0;
  for (const torch::Tensor& t : ts) {
    const std::int64_t n = t.numel();
    const_cast<torch::Tensor&>(t).copy_(buffer.narrow(0, at, n).view(t.sizes()));
    at += n;
  }
}

}  // namespace

void allreduce_gradients(ProcessGroup& group, const std::vector<torch::Tensor>& parameters,
                         double weight) {
  const std::vector<torch::Tensor> grads = gradients(parameters);
  if (grads.empty()) return;
  std::vector<torch::Tensor> buffer = {flatten(grads).mul_(weight)};
  ProcessGroup::Impl& g = group.impl();
  g.run("gradient allreduce", [&] { return g.pg->allreduce(buffer); });
  unflatten(buffer[0], grads);
}

void broadcast_parameters(ProcessGroup& group, const std::vector<torch::Tensor>& parameters) {
  if (parameters.empty()) return;
  std::vector<torch::Tensor> buffer = {flatten(parameters)};
  ProcessGroup::Impl& g = group.impl();
  g.run("parameter broadcast", [&] { return g.pg->broadcast(buffer); });
  unflatten(buffer[0], parameters);
}

#else  // no Gloo in this build: single-process training only

bool distributed_available() { return false; }

struct ProcessGroup::Impl {
  int rank = 0, world = 1;
  double seconds = 0;
};

ProcessGroup::ProcessGroup(const DistributedOptions&) {
  throw DistributedError(
      "this build has no data-parallel training: configure with libgloo-dev installed "
      "(scripts/install-deps)");
}
void ProcessGroup::allreduce_sum(std::span<double>) {}
void ProcessGroup::broadcast(std::span<double>) {}
void ProcessGroup::barrier() {}
void allreduce_gradients(ProcessGroup&, const std::vector<torch::Tensor>&, double) {}
void broadcast_parameters(ProcessGroup&, const std::vector<torch::Tensor>&) {}

#endif

ProcessGroup::~ProcessGroup() = default;
int ProcessGroup::rank() const { return impl_->rank; }
int ProcessGroup::world_size() const { return impl_->world; }
double ProcessGroup::collective_seconds() const { return impl_->seconds; }

}  // namespace npeps
