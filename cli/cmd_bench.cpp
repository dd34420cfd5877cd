// `npeps bench`: placeholder until the harness lands.
#include "cli/commands.h"

namespace npeps::cli {
void add_bench_command(CLI::App&, int&) {}
}  // namespace npeps::cli
