// libFuzzer target: the JSON Lines dataset reader (read_task_lines). Every
// non-blank line yields a task or an error, in order; nothing escapes as
// another exception.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "datasets/task.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::size_t last = 0;
  npeps::read_task_lines(in, [&](npeps::TaskLine&& line) {
    if (line.line <= last) std::abort();                             // out of order
    if (line.task.has_value() == !line.error.empty()) std::abort();  // exactly one of them
    last = line.line;
  });
  return 0;
}
