#include "search/memory_cap.h"

#include <unistd.h>

#include <cstdio>

#include "dsl/statement_space.h"
#include "search/slot_state.h"

namespace npeps {

std::size_t resident_bytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  unsigned long size = 0, resident = 0;
  const int n = std::fscanf(f, "%lu %lu", &size, &resident);
  std::fclose(f);
  if (n != 2) return 0;
  return static_cast<std::size_t>(resident) * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

std::size_t default_memory_cap() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return 0;
  return static_cast<std::size_t>(pages) / 4 * 3 * static_cast<std::size_t>(page);
}

bool would_exceed_memory_cap(std::size_t cap, std::size_t extra) {
  if (cap == 0) return false;
  const std::size_t now = resident_bytes();
  return now != 0 && (extra >= cap || now > cap - extra);
}

std::size_t beam_entry_bytes(int examples, int width, int max_depth) {
  const std::size_t values = 2 * (sizeof(SlotMeta) + kNumSlots * examples * sizeof(Value));
  const std::size_t scores = (kNumStatements + kNumSlots) * sizeof(float) + sizeof(PartialProgram);
  const std::size_t candidates = (width > 0 ? width : kNumStatements) * 16;  // sizeof(Candidate)
  const std::size_t trace = static_cast<std::size_t>(max_depth) * 8;         // sizeof(TraceNode)
  return values + scores + candidates + trace;
}

}  // namespace npeps
