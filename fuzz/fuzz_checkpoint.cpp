// libFuzzer target: the checkpoint archive check (models/archive_check.h),
// the gate every checkpoint passes before libtorch reads its archive. The
// input is a checkpoint file: after the magic and header lines comes the
// archive (a whole input without them is taken as an archive). Any bytes
// must give a verdict, never a crash, an overflow or a huge allocation
// (run with -rss_limit_mb). Torch-free: clang-14 cannot compile libtorch
// 1.13's headers against libstdc++ 12 in C++20 mode, so the load itself is
// covered by tests/models/checkpoint_test.cpp (flipped bytes) instead.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "models/archive_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.substr(0, 19) == "npeps-checkpoint 1\n") {
    const std::size_t header_end = bytes.find('\n', 19);
    bytes.remove_prefix(header_end == std::string_view::npos ? bytes.size() : header_end + 1);
  }
  const std::string problem = npeps::archive_problem(bytes);
  if (problem.size() > 4096) std::abort();  // messages stay short
  return 0;
}
