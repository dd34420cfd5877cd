// A progress bar with rate and time left on standard error. On a terminal
// it redraws in place; otherwise (a log file of a background job) it
// prints a plain line every 30 seconds, so long work still shows progress.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace npeps::cli {

class ProgressBar {
 public:
  // `unit` names what is counted ("tasks", "programs").
  ProgressBar(std::string label, std::size_t total, std::string unit);
  ~ProgressBar();
  // Thread-safe; redraws at most ten times a second.
  void update(std::size_t done, const std::string& note = "");
  // Ends the bar's line, if it was drawn.
  void finish();
  bool enabled() const { return enabled_; }

 private:
  void draw(std::size_t done, const std::string& note);
  std::string label_, unit_;
  std::size_t total_;
  bool enabled_;
  bool finished_ = false;
  bool drawn_ = false;  // the bar is on screen: finish() ends its line
  std::chrono::steady_clock::time_point start_, last_draw_;
  std::mutex mu_;
};

// Progress of epoch-based training: one bar per epoch, then its summary line.
class EpochProgress {
 public:
  void batch(int epoch, std::int64_t done, std::int64_t total, double loss, double states_per_s);
  void epoch_end(const std::string& summary);  // printed on its own line

 private:
  std::unique_ptr<ProgressBar> bar_;
};

}  // namespace npeps::cli
