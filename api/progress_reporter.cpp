#include "api/progress_reporter.h"

#include <chrono>

namespace npeps {

ProgressReporter::ProgressReporter(const Fn& fn, double interval_s, Clock::time_point start,
                                   double budget_s, const std::atomic<std::uint64_t>& nodes,
                                   std::atomic<bool>& stop)
    : fn_(fn),
      interval_(
          std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(interval_s))),
      start_(start),
      budget_s_(budget_s),
      nodes_(nodes),
      stop_(stop) {
  if (fn_) thread_ = std::thread([this] { run(); });
}

ProgressReporter::~ProgressReporter() { join(); }

void ProgressReporter::finish() {
  join();
  if (error_) std::rethrow_exception(error_);
}

void ProgressReporter::join() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    done_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void ProgressReporter::run() {
  std::unique_lock lock(mu_);
  Clock::time_point next = start_ + interval_;
  while (!cv_.wait_until(lock, next, [this] { return done_; })) {
    next += interval_;
    SynthesisProgress p;
    p.elapsed_s = std::chrono::duration<double>(Clock::now() - start_).count();
    p.budget_s = budget_s_;
    p.nodes = nodes_.load(std::memory_order_relaxed);
    bool go_on = true;
    try {
      go_on = fn_(p);
    } catch (...) {
      error_ = std::current_exception();
      go_on = false;
    }
    if (!go_on) {
      stop_.store(true);
      return;
    }
  }
}

}  // namespace npeps
