#include "cli/distributed_flags.h"

#ifdef NPEPS_WITH_TORCH
#include <string>

namespace npeps::cli {

std::function<DistributedOptions()> add_distributed_flags(CLI::App* sub) {
  auto flags = std::make_shared<DistributedOptions>();
  const std::string group =
      "Data-parallel (environment: RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT)";
  sub->add_option("--rank", flags->rank, "this process's rank, 0 .. world size - 1")->group(group);
  sub->add_option("--world-size", flags->world_size, "processes training together (1 = alone)")
      ->group(group);
  sub->add_option("--master-addr", flags->master_addr, "rank 0's host (rendezvous)")->group(group);
  sub->add_option("--master-port", flags->master_port, "rendezvous port on that host")
      ->group(group);
  return [sub, flags] {
    DistributedOptions d = DistributedOptions::from_environment();
    if (sub->count("--rank")) d.rank = flags->rank;
    if (sub->count("--world-size")) d.world_size = flags->world_size;
    if (sub->count("--master-addr")) d.master_addr = flags->master_addr;
    if (sub->count("--master-port")) d.master_port = flags->master_port;
    d.validate();
    return d;
  };
}

}  // namespace npeps::cli
#endif
