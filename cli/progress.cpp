#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace npeps::cli {

ProgressBar::ProgressBar(std::string label, std::size_t total, std::string unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      enabled_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_ - std::chrono::seconds(1)) {}

ProgressBar::~ProgressBar() {
  if (!finished_ && drawn_) std::fputc('\n', stderr);
}

void ProgressBar::update(std::size_t done, const std::string& note) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  if (!enabled_) {
    if (now - last_draw_ < std::chrono::seconds(30)) return;
    if (last_draw_ < start_) {  // first call: start the 30 s clock
      last_draw_ = now;
      return;
    }
    last_draw_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
    std::fprintf(stderr, "%s: %zu/%zu %s, %.1f/s, %.0f s left %s\n", label_.c_str(), done, total_,
                 unit_.c_str(), rate, rate > 0 ? static_cast<double>(total_ - done) / rate : 0.0,
                 note.c_str());
    return;
  }
  if (now - last_draw_ < std::chrono::milliseconds(100) && done < total_) return;
  last_draw_ = now;
  draw(done, note);
}

void ProgressBar::finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!drawn_ || finished_) return;
  finished_ = true;
  std::fputc('\n', stderr);
}

void ProgressBar::draw(std::size_t done, const std::string& note) {
  drawn_ = true;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double frac = total_ ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(frac * kWidth);
  std::string bar(filled, '#');
  bar.resize(kWidth, '.');
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  const double left = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
  std::fprintf(stderr, "\r%s [%s] %zu/%zu %s  %.1f/s  %.0fs left %s\x1b[K", label_.c_str(),
               bar.c_str(), done, total_, unit_.c_str(), rate, left, note.c_str());
  std::fflush(stderr);
}

void EpochProgress::batch(int epoch, std::int64_t done, std::int64_t total, double loss,
                          double states_per_s) {
  if (!bar_)
    bar_ = std::make_unique<ProgressBar>("epoch " + std::to_string(epoch + 1),
                                         static_cast<std::size_t>(total), "batches");
  char note[96];
  std::snprintf(note, sizeof note, "loss %.4f  %.0f states/s", loss, states_per_s);
  bar_->update(static_cast<std::size_t>(done), note);
}

void EpochProgress::epoch_end(const std::string& summary) {
  if (bar_) bar_->finish();
  bar_.reset();
  std::fprintf(stderr, "%s\n", summary.c_str());
}

}  // namespace npeps::cli
