// libFuzzer target: the checkpoint reader. The input is written to a file
// and loaded as a PCCoder network and as a cross aggregator; every bad
// file must give a CheckpointError naming the file, never another error,
// a crash, or an allocation beyond the file's size (run with -rss_limit_mb).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "models/checkpoint.h"
#include "models/cross_aggregator.h"

namespace {

const std::string& path() {
  static const std::string p = [] {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir && *dir ? dir : "/tmp") + "/npeps_fuzz_" + std::to_string(getpid()) +
           ".ckpt";
  }();
  return p;
}

template <class Load>
void try_load(Load load) {
  try {
    load();
  } catch (const npeps::CheckpointError& e) {
    if (std::string(e.what()).find(path()) == std::string::npos) std::abort();  // unnamed file
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream out(path(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try_load([] { npeps::load_checkpoint(path()); });
  try_load([] { npeps::load_aggregator(path()); });
  return 0;
}
