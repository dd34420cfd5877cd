// Training the PCCoder network (models/pccoder_net.h) on teacher-forced
// program traces, as PCCoder's scripts/train.py does (Adam, lr 1e-3
// divided by 10 every 4 epochs (see lr_decay_every), batch 100, loss = CE
// statement + BCE drop + CE operator).
// The same trainer makes the per-example (PE) model of N-PEPS: give it the
// per-example dataset (tasks with one example each). The epoch loop is the
// one shared with the aggregator's trainer (models/epoch_loop.h).
// Torch-free interface.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/distributed.h"
#include "models/epoch_loop.h"
#include "models/pccoder_net.h"
#include "models/trace.h"

namespace npeps {

// A user error in the training setup (no data, unreadable file, ...).
struct TrainError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Encoded training states with their targets, stored compactly (int16
// tokens) so that a batch is gathered by index. Not thread-safe.
class StateSet {
 public:
  // States hold up to `example_width` examples (the widest task).
  explicit StateSet(int example_width);
  ~StateSet();
  StateSet(StateSet&&) noexcept;
  StateSet& operator=(StateSet&&) noexcept;

  void reserve(std::size_t states);
  // Adds every step of a trace. Precondition: trace.num_examples <= example_width.
  void add(const TaskTrace& trace);
  std::size_t size() const;
  int example_width() const;

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// Mean losses (and statement top-1 accuracy) over some states.
struct LossStats {
  double total = 0, statement = 0, drop = 0, op = 0;
  double statement_acc = 0;  // fraction of states whose argmax statement is the target
  std::size_t states = 0;
};

struct LearnerOptions {
  double learning_rate = 1e-3;  // Adam step size (PCCoder: 1e-3)
};

// A network with its Adam optimizer. Not thread-safe.
class Learner {
 public:
  Learner(PCCoderNet net, const LearnerOptions& options = {});
  ~Learner();

  // Data-parallel training: from now on every step all-reduces the
  // gradients over `group` (null: single process). Copies rank 0's
  // parameters to every rank now. The group must outlive the learner's steps.
  void set_process_group(ProcessGroup* group);

  // One optimizer step on the states `indices` of `set` (a batch). In a
  // data-parallel run, `indices` is this rank's slice (possibly empty) of a
  // global batch of `global_states` states: every rank then takes the step
  // of the mean loss over the global batch. The returned losses are this
  // slice's.
  LossStats step(const StateSet& set, std::span<const std::int64_t> indices,
                 std::int64_t global_states = 0);
  // Losses and accuracy over the whole set, no gradients, in chunks of `chunk`.
  LossStats evaluate(const StateSet& set, int chunk = 100);
  // The same over the states [begin, begin + count) of the set.
  LossStats evaluate(const StateSet& set, int chunk, std::int64_t begin, std::int64_t count);

  void set_learning_rate(double lr);
  std::int64_t steps() const;
  void set_steps(std::int64_t steps);
  PCCoderNet& net();

  // Checkpoint with optimizer state (see models/checkpoint.h).
  void save(const std::string& path, int epochs_done, const std::string& metrics_json) const;
  // Restores the optimizer state saved by save(). Throws CheckpointError.
  void load_optimizer(const std::string& path);

 private:
  // Forward and backward on the states (gradients accumulate); their losses.
  LossStats forward_backward(const StateSet& set, std::span<const std::int64_t> indices);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Progress reports (rank 0): running training loss and states/s, then one
// call per epoch after validation (epoch_end).
using TrainProgress = EpochLoopProgress;

struct TrainOptions {
  std::vector<std::string> train_files;  // JSON Lines tasks with reference programs
  std::string validation_file;           // validation tasks; empty = hold out validation_fraction
  double validation_fraction = 0.1;      // of the tasks (PCCoder: 10% of the states), by seed
  std::size_t max_tasks = 0;             // use only the first N training tasks; 0 = all
  NetOptions net;                        // architecture of a new network (checked on resume)
  int epochs = 40;                       // total epochs (PCCoder: 40)
  int batch_size = 100;                  // states per optimizer step (PCCoder: 100)
  double learning_rate = 1e-3;           // initial Adam step size (PCCoder: 1e-3)
  // Epochs between decays (PCCoder: StepLR step_size 4). As in PCCoder's
  // train.py, epoch e (0-based) runs at lr * decay^((e + 1) / every):
  // 3 epochs at 1e-3, then 4 at 1e-4, 4 at 1e-5, ...
  int lr_decay_every = 4;
  double lr_decay_factor = 0.1;  // multiplier at each decay (StepLR default gamma)
  std::uint64_t seed = 1;        // initialisation, split and per-epoch shuffles
  // Batches of whole tasks: each epoch shuffles the tasks and takes their
  // states in order, so a batch holds the states of about batch_size /
  // program length tasks. They share their inputs, output and most
  // intermediate variables, which the network encodes once per batch
  // (models/var_instances.h). false: states shuffled one by one (PCCoder).
  bool batch_by_task = true;
  int threads = 1;                      // torch intra-op threads (process-wide)
  bool use_cuda = true;                 // train on CUDA when libtorch sees a device
  std::string checkpoint_path;          // rewritten after every epoch; required
  bool keep_epoch_checkpoints = false;  // also keep <checkpoint_path>.epoch<N>
  bool resume = false;                  // continue from checkpoint_path when it exists
  // Start a new run (not a resumed one) from this checkpoint's weights
  // (curriculum; same architecture), with a fresh optimizer. Empty: random.
  std::string init_from;
  std::string log_path;      // metrics, one JSON object per epoch; empty = none
  int progress_every = 100;  // batches between progress callbacks
  std::function<void(const TrainProgress&)> progress;  // optional
  bool verbose = false;                                // print progress lines to standard error
  // Data-parallel run over processes (models/distributed.h); world size 1 =
  // this process alone. Every rank loads all the data and trains on its
  // contiguous slice of each global batch of batch_size states; validation
  // is split across ranks; only rank 0 writes the checkpoint and the log
  // and calls progress. --resume: every rank reads checkpoint_path.
  DistributedOptions distributed;
};

// The order in which an epoch visits the training states, given the index
// of each task's first state and, last, the number of states (tasks' states
// are consecutive). by_task: the tasks shuffled, each task's states together
// and in order; otherwise the states shuffled one by one. Deterministic by
// seed.
std::vector<std::int64_t> epoch_order(const std::vector<std::int64_t>& task_starts, bool by_task,
                                      std::uint64_t seed);

struct TrainReport {
  std::size_t tasks_used = 0;     // traced tasks (train + validation)
  std::size_t tasks_skipped = 0;  // invalid lines, no program, or untraceable
  std::size_t train_states = 0;
  std::size_t val_states = 0;
  std::int64_t parameters = 0;
  bool cuda = false;                 // trained on CUDA
  int world_size = 1;                // processes that trained together
  int start_epoch = 0;               // > 0 when resumed
  int epochs_done = 0;               // epochs completed in total (checkpoint's count)
  std::int64_t steps = 0;            // optimizer steps in total
  LossStats last_train;              // last epoch's training losses
  LossStats last_val;                // last epoch's validation losses
  double best_val_acc = 0;           // best validation statement accuracy seen in this run
  double train_states_per_s = 0;     // training throughput, all ranks (excludes validation)
  double time_s = 0;                 // wall time of train()
  std::vector<std::string> skipped;  // first reasons for skipped tasks (at most 20)
};

// Loads the data, builds the traces once, trains, validates and
// checkpoints every epoch. Throws TrainError (setup) or CheckpointError.
TrainReport train(const TrainOptions& options);

}  // namespace npeps
