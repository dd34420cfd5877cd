// Limits and results shared by every search method.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>

#include "dsl/program.h"

namespace npeps {

using Clock = std::chrono::steady_clock;

// When a search must stop. All fields apply together; whichever trips first wins.
struct SearchLimits {
  Clock::time_point deadline = Clock::time_point::max();          // wall clock
  std::uint64_t max_nodes = std::numeric_limits<std::uint64_t>::max();  // nodes expanded
  const std::atomic<bool>* cancel = nullptr;  // set to true from any thread to stop
  // Resident memory of the process, bytes, that a search may not push it
  // past (search/memory_cap.h); 0 = no cap.
  std::size_t max_memory_bytes = 0;
  // When set, searches add the nodes they expand to it as they go (in steps
  // of about a thousand, from any worker thread), so another thread can show
  // progress; SearchStats::nodes stays the exact count.
  std::atomic<std::uint64_t>* live_nodes = nullptr;

  // Budgets of kNoLimitSeconds and more (inf, 1e10, 1e308) mean no
  // deadline: the clock cannot hold them, and a sum that overflows would
  // put the deadline in the past.
  static constexpr double kNoLimitSeconds = 1e9;  // about 31 years
  static SearchLimits with_timeout(double seconds) {
    SearchLimits l;
    if (seconds < kNoLimitSeconds)
      l.deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(seconds));
    return l;
  }
};

struct SearchStats {
  std::uint64_t nodes = 0;        // search nodes expanded (one statement executed on all examples)
  std::uint64_t checks = 0;       // statements only tested against the output (CAB lookahead)
  std::uint64_t model_calls = 0;  // Policy::evaluate calls (0 for model-free methods)
  std::uint64_t model_states = 0; // partial programs scored by the policy
  double time_s = 0;              // wall time spent, seconds
  bool memory_capped = false;     // stopped by SearchLimits::max_memory_bytes

  // Adds a later or parallel run's counts (time_s is left to the caller:
  // runs may overlap in time).
  SearchStats& operator+=(const SearchStats& s) {
    nodes += s.nodes;
    checks += s.checks;
    model_calls += s.model_calls;
    model_states += s.model_states;
    memory_capped = memory_capped || s.memory_capped;
    return *this;
  }
};

struct SearchResult {
  std::optional<Program> program;  // set when one satisfying every example was found
  SearchStats stats;
  bool solved() const { return program.has_value(); }
};

}  // namespace npeps
