#include "cli/process_clock.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace npeps::cli {
namespace {

// Seconds since this process started: /proc/uptime minus the start time in
// /proc/self/stat (field 22, clock ticks after boot). Negative on failure.
double seconds_since_start() {
  std::ifstream stat("/proc/self/stat"), up("/proc/uptime");
  std::string line;
  double uptime = 0;
  if (!std::getline(stat, line) || !(up >> uptime)) return -1;
  // The command name (field 2) may hold spaces: fields after its ')'.
  const std::size_t close = line.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  for (int i = 3; i < 22 && rest >> field; ++i) {
  }
  unsigned long long ticks = 0;
  if (!(rest >> ticks)) return -1;
  const long hz = sysconf(_SC_CLK_TCK);
  if (hz <= 0) return -1;
  return uptime - static_cast<double>(ticks) / static_cast<double>(hz);
}

}  // namespace

std::chrono::steady_clock::time_point process_start() {
  const auto now = std::chrono::steady_clock::now();
  const double since = seconds_since_start();
  if (since < 0 || since > 3600) return now;
  return now - std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                   std::chrono::duration<double>(since));
}

}  // namespace npeps::cli
