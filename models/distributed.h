// Data-parallel training over processes: the rendezvous settings, the
// slice of a global batch that a rank trains on, and the process group
// (torch's c10d ProcessGroupGloo over a c10d::TCPStore, on the CPU).
// Torch-free interface; the tensor collectives are in
// models/distributed_internal.h.
//
// World size 1 (the default) is a plain single-process run: the trainers
// create no process group then.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>

namespace npeps {

// Setup or collective failure (bad settings, rendezvous timeout, a peer gone).
struct DistributedError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct DistributedOptions {
  int rank = 0;                           // this process, 0 .. world_size - 1
  int world_size = 1;                     // processes; 1 = no process group
  std::string master_addr = "127.0.0.1";  // rank 0's host (it serves the TCPStore)
  int master_port = 29500;                // the TCPStore's port on master_addr
  double timeout_s = 1800;                // rendezvous and each collective

  // The usual variables: RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT (unset
  // ones keep the defaults above). Throws DistributedError on a bad value.
  static DistributedOptions from_environment();
  bool enabled() const { return world_size > 1; }
  // Throws DistributedError unless 0 <= rank < world_size, world_size >= 1
  // and the port is in 1..65535.
  void validate() const;
};

// Whether this build has the Gloo backend (libgloo-dev at configure time).
bool distributed_available();

// The contiguous share of `n` items that `rank` of `world` takes: the first
// n % world ranks get one more item. Slices tile [0, n) in rank order.
struct Slice {
  std::int64_t begin = 0, size = 0;
};
Slice rank_slice(std::int64_t n, int rank, int world);

// A Gloo process group over every rank. The constructor rendezvouses
// (blocks until all ranks have joined, or timeout_s). Collectives must be
// called by every rank in the same order. Not thread-safe.
class ProcessGroup {
 public:
  // Precondition: options.enabled(). Throws DistributedError.
  explicit ProcessGroup(const DistributedOptions& options);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int rank() const;
  int world_size() const;
  // Element-wise sum over ranks, in place.
  void allreduce_sum(std::span<double> values);
  // Rank 0's values to every rank, in place.
  void broadcast(std::span<double> values);
  void barrier();
  // Wall time spent in this group's collectives so far (waiting for the
  // slowest rank included), in seconds.
  double collective_seconds() const;

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// Whether `values` equal rank 0's on every rank (every rank must call it;
// all get the same answer).
bool agrees_with_rank0(ProcessGroup& group, std::span<const double> values);

// The process group for `options`, or null for a single-process run.
std::unique_ptr<ProcessGroup> make_process_group(const DistributedOptions& options);

}  // namespace npeps
