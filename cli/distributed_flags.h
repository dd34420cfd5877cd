// The data-parallel flags of `npeps train` and `npeps train-aggregator`:
// --rank, --world-size, --master-addr, --master-port, each overriding the
// usual RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT environment variables.
#pragma once

#ifdef NPEPS_WITH_TORCH
#include <CLI/CLI.hpp>
#include <functional>
#include <memory>

#include "models/distributed.h"

namespace npeps::cli {

// Adds the flags to `sub`. Call the returned function in the subcommand's
// callback: it gives the settings (environment, then flags). Throws
// DistributedError on a bad environment value.
std::function<DistributedOptions()> add_distributed_flags(CLI::App* sub);

}  // namespace npeps::cli
#endif
