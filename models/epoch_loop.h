// The epoch loop that both trainers run (models/pccoder_trainer.h,
// models/aggregator_trainer.h). The loop owns what they share: the global
// batches in the trainer's order and each rank's slice of them, the running
// training loss (summed over ranks) for progress, throughput and time in
// collectives, the best epoch by validation loss and patience, the JSON
// Lines log, progress reports and the optional lines on standard error, and
// which rank writes. The trainer supplies the rest through EpochHooks: the
// learning rate and shuffles, one optimizer step, validation, the log line's
// fields and the checkpoints. Torch-free.
#pragma once

#include <cmath>
#include <cstdint>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "models/distributed.h"

namespace npeps {

// Mean losses over some training states, as the loop sees them (the
// trainers keep their own, finer statistics).
struct EpochStats {
  double loss = 0;           // mean total loss
  double statement_acc = 0;  // fraction of states whose argmax statement is the target
  std::int64_t states = 0;   // states the means are over
};

// One global batch: the positions [begin, begin + size) of the epoch's
// order; `mine` is this rank's contiguous part of it, relative to begin
// (rank_slice(size, rank, world); possibly empty).
struct EpochBatch {
  std::int64_t begin = 0, size = 0;
  Slice mine;
};

// A progress report (rank 0 only).
struct EpochLoopProgress {
  int epoch = 0;                 // 0-based epoch in progress
  int epochs = 0;                // total epochs
  std::int64_t batch = 0;        // batches done in this epoch
  std::int64_t batches = 0;      // batches per epoch
  double train_loss = 0;         // running mean of this epoch's total loss, all ranks
  double states_per_s = 0;       // training states per second this epoch, all ranks
  bool epoch_end = false;        // set on the one call after validation
  double val_loss = 0;           // when epoch_end
  double val_statement_acc = 0;  // when epoch_end
  bool improved = false;         // when epoch_end: a new lowest validation loss
};

// The epoch with the lowest validation loss, carried across a resume.
struct BestEpoch {
  double loss = INFINITY;    // its validation loss
  double statement_acc = 0;  // its validation statement accuracy
  int bad_epochs = 0;        // epochs since it
};

// An epoch's outcome, for the trainer's log line and checkpoints.
struct EpochEnd {
  int epoch = 0;            // 0-based epoch just trained
  EpochStats train, val;    // over every rank
  double time_s = 0;        // training time of the epoch (validation excluded), seconds
  double collective_s = 0;  // of which waiting in collectives (0 without a group)
  bool improved = false;    // val.loss is lower than every earlier epoch's (resumed ones too)
  BestEpoch best;           // after this epoch
  int world_size = 1;       // processes training together
  double states_per_s() const { return static_cast<double>(train.states) / time_s; }
};

// The trainer's side of the loop. Every rank calls the same hooks in the
// same order, except save(), which only rank 0 calls.
class EpochHooks {
 public:
  virtual ~EpochHooks() = default;
  // Before an epoch's batches: learning rate, shuffles. Returns the order in
  // which the epoch visits its batches: the i-th batch trained is
  // positions [order[i] * batch_size, ...) of the epoch's item order
  // (which the trainer keeps). Empty: in order.
  virtual std::vector<std::int64_t> begin_epoch(int epoch) = 0;
  // One optimizer step on this rank's part of a global batch (also when it
  // is empty: the gradients are all-reduced). Returns the part's mean
  // losses (states 0 when empty).
  virtual EpochStats train_batch(const EpochBatch& batch) = 0;
  // After the last batch: the epoch's training losses over every rank.
  virtual EpochStats end_epoch() = 0;
  // Validation losses over every rank (each rank evaluates a slice).
  virtual EpochStats validate() = 0;
  // The epoch's log line, also the checkpoints' metrics.
  virtual nlohmann::json metrics(const EpochEnd& end) = 0;
  // Rank 0: writes the checkpoints (before the log line).
  virtual void save(const EpochEnd& end, const nlohmann::json& metrics) = 0;
  // Throws the trainer's own error type with `message` (log file errors).
  [[noreturn]] virtual void fail(const std::string& message) = 0;
};

struct EpochLoopOptions {
  int start_epoch = 0;     // epochs already done (> 0 when resumed)
  int epochs = 0;          // total epochs: the loop runs start_epoch .. epochs - 1 at most
  std::int64_t items = 0;  // training items (states, instances) per epoch
  int batch_size = 1;      // items per global batch, >= 1
  // Stop after this many epochs in a row without a lower validation loss;
  // 0 = never.
  int patience = 0;
  BestEpoch best;  // the best epoch before start_epoch (resume)
  // Log: one JSON object per epoch (hooks.metrics), appended when
  // start_epoch > 0, else the file is truncated. Empty: none.
  std::string log_path;
  int progress_every = 100;                                // batches between reports
  std::function<void(const EpochLoopProgress&)> progress;  // optional
  bool verbose = false;                                    // progress lines on standard error
  // Data-parallel run (null: this process alone). Only rank 0 writes the
  // log, saves, reports progress and prints.
  ProcessGroup* group = nullptr;
};

struct EpochLoopResult {
  int epochs_done = 0;              // in total, the resumed ones included
  bool early_stopped = false;       // patience ran out (possibly at the last epoch)
  BestEpoch best;                   // after the last epoch
  double train_time_s = 0;          // training time (validation excluded), seconds
  std::int64_t trained_states = 0;  // over every rank and epoch run
  double train_states_per_s() const {
    return train_time_s > 0 ? static_cast<double>(trained_states) / train_time_s : 0;
  }
};

// The loop; run() once. Not thread-safe.
class EpochLoop {
 public:
  // Rank 0 opens the log now, so that a bad path fails before training
  // (hooks.fail). `hooks` must outlive the loop.
  EpochLoop(EpochLoopOptions options, EpochHooks& hooks);
  // Trains epochs start_epoch .. epochs - 1, or until patience runs out.
  // With a group, starts and ends with a barrier: when run() returns on any
  // rank, rank 0's checkpoints and log are complete.
  EpochLoopResult run();

 private:
  EpochLoopOptions o_;
  EpochHooks& hooks_;
  bool rank0_ = true;
  std::ofstream log_;
};

// Per-rank means weighted by their states, made means over every rank, in
// place; returns the states of every rank together. Without a group, the
// means and states are returned as they are. Every rank must call it.
std::int64_t mean_over_ranks(ProcessGroup* group, std::span<double> means, std::int64_t states);

// Fisher-Yates with a seeded std::mt19937_64: the same order on every
// platform (std::shuffle's algorithm is unspecified).
template <class T>
void seeded_shuffle(std::vector<T>& v, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng() % i]);
}

}  // namespace npeps
