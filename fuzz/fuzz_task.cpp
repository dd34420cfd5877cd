// libFuzzer target: the task loader, one JSON task (parse_task). Any input
// must give a Task or a TaskError; a valid task must survive a round trip
// through its JSON form unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "datasets/task.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  npeps::Task t;
  try {
    t = npeps::parse_task(text, "fuzz");
  } catch (const npeps::TaskError&) {
    return 0;
  }
  const std::string once = npeps::task_to_json(t).dump();
  const std::string twice = npeps::task_to_json(npeps::parse_task(once, "fuzz")).dump();
  if (once != twice) std::abort();  // the round trip changed the task
  return 0;
}
