// The thread behind SynthesizerOptions::progress: it wakes every interval,
// reads the searches' live node count and the clock, and calls the user's
// function, which may stop the search. Lives for one synthesize() call.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

#include "npeps/synthesizer.h"
#include "search/search_result.h"

namespace npeps {

class ProgressReporter {
 public:
  using Fn = std::function<bool(const SynthesisProgress&)>;
  // Starts reporting when `fn` is set (otherwise does nothing). A false
  // return or an exception from `fn` sets `stop`.
  ProgressReporter(const Fn& fn, double interval_s, Clock::time_point start, double budget_s,
                   const std::atomic<std::uint64_t>& nodes, std::atomic<bool>& stop);
  // Joins the thread; the report in flight, if any, finishes first.
  ~ProgressReporter();
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  // Ends reporting and rethrows what `fn` threw, if anything.
  void finish();

 private:
  void run();
  void join();

  const Fn& fn_;
  const Clock::duration interval_;
  const Clock::time_point start_;
  const double budget_s_;
  const std::atomic<std::uint64_t>& nodes_;
  std::atomic<bool>& stop_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace npeps
