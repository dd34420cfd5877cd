#include "cli/neural_handoff.h"

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

namespace npeps::cli {
namespace {

std::vector<char*> arguments;

}  // namespace

bool needs_full_build(std::string_view arg) {
  if (arg == "--version") return true;
  for (const NeuralCommand& c : kNeuralCommands)
    if (arg == c.name) return true;
  return false;
}

void remember_arguments(int argc, char** argv) { arguments.assign(argv, argv + argc); }

void hand_over_to_full_build() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return;
  const std::string full = (self.parent_path() / "npeps-full").string();
  std::vector<char*> argv = arguments;
  if (argv.empty()) argv.push_back(const_cast<char*>("npeps"));
  argv.push_back(nullptr);
  // Whatever this process buffered is dropped: npeps-full writes it all.
  execv(full.c_str(), argv.data());
}

}  // namespace npeps::cli
