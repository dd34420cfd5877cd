// Training the cross aggregator (N-PEPS's train_aggregator.py): teacher
// forced over the reference (global) program's steps (models/trace.h).
// The global model (queries) and the key encoder (keys, PE model by
// default) are frozen, so each instance's query and key embeddings are
// computed once before training. Loss = cross-entropy on the statement +
// cross-entropy on the operator (auxiliary), averaged over the global
// program's steps; Adam; validation every epoch; early stopping on the
// validation loss (the training loss when there is no validation set).
// The epoch loop is the one shared with PCCoder's trainer
// (models/epoch_loop.h). Torch-free interface.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/aggregator_data.h"
#include "models/aggregator_keys.h"
#include "models/cross_aggregator.h"
#include "models/distributed.h"
#include "models/epoch_loop.h"
#include "models/pccoder_net.h"

namespace npeps {

struct AggregatorTrainError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One instance ready for the aggregator: the queries (global embeddings of
// the reference program's states, all examples), their depths and targets,
// and the keys (exactly what AggregatorPolicy builds at inference).
struct PreparedInstance {
  int steps = 0;                           // queries (statements of the reference program)
  std::vector<float> queries;              // steps x d_model
  std::vector<int> depths;                 // 0..steps-1
  std::vector<StatementIndex> statements;  // targets, slot form
  std::vector<int> ops;                    // operator targets
  AggregatorKeys keys;
};

// Throws TraceError when the reference program cannot be traced.
PreparedInstance prepare_instance(const AggregatorInstance& instance, PCCoderNet& global,
                                  PCCoderNet& key_encoder);

// Progress reports (rank 0): running training loss and query states/s,
// then one call per epoch after validation (epoch_end, improved).
using AggregatorTrainProgress = EpochLoopProgress;

struct AggregatorTrainOptions {
  std::vector<std::string> data_files;  // instance files (models/aggregator_data.h)
  std::string validation_file;          // empty: hold out validation_fraction of the instances
  double validation_fraction = 0.1;     // by seed
  std::size_t max_instances = 0;        // first N training instances; 0 = all
  bool include_full = false;  // also train on instances with a PE solution satisfying every example
  std::string global_checkpoint;  // frozen global model (queries; output layer init)
  std::string pe_checkpoint;      // frozen PE model (keys, when model.key_encoder == PE)
  AggregatorOptions model;        // architecture of a new aggregator (checked on resume)
  int epochs = 100;               // at most (N-PEPS: 100)
  int patience =
      20;  // stop after this many epochs without a better validation loss (N-PEPS: 20); 0 = never
  int batch_size = 256;         // instances per step (N-PEPS: 256)
  double learning_rate = 3e-4;  // Adam (N-PEPS: 3e-4)
  std::uint64_t seed = 1;       // init, split, shuffles
  int threads = 1;              // torch intra-op threads (process-wide)
  bool use_cuda = true;         // when libtorch sees a device
  // Best model so far (by validation loss) — the file to ship as
  // aggregator.ckpt. The last epoch, with optimizer state, goes to
  // <checkpoint_path>.last after every epoch (what --resume continues).
  std::string checkpoint_path;
  bool resume = false;
  // A new run (not resumed) starts from this aggregator's weights (same
  // architecture as `model`; fresh optimizer); empty = random init.
  std::string init_from;
  std::string log_path;     // one JSON object per epoch; empty = none
  int progress_every = 20;  // batches between progress callbacks
  std::function<void(const AggregatorTrainProgress&)> progress;
  // Data-parallel run over processes (models/distributed.h); world size 1 =
  // this process alone. Every rank loads and prepares all the instances and
  // trains on its contiguous slice of each global batch of batch_size
  // instances (gradients weighted by query states, so the step is the one
  // of the global batch's mean loss); validation is split across ranks;
  // rank 0 alone writes checkpoints and the log and calls progress.
  // --resume: every rank reads <checkpoint_path>.last.
  DistributedOptions distributed;
};

struct AggregatorTrainReport {
  std::size_t instances_used = 0;  // train + validation
  std::size_t instances_skipped =
      0;  // no PE solution, full (unless included), untraceable, bad lines
  std::size_t train_states = 0, val_states = 0;  // query states
  std::size_t train_keys = 0;                    // keys over the training instances
  std::int64_t parameters = 0;
  bool cuda = false;
  int world_size = 1;  // processes that trained together
  int start_epoch = 0, epochs_done = 0;
  bool early_stopped = false;
  double best_val_loss = 0, best_val_acc = 0;
  double prepare_s = 0;  // embedding precomputation time
  double train_states_per_s = 0;
  double time_s = 0;
  std::vector<std::string> skipped;  // first reasons (at most 20)
};

AggregatorTrainReport train_aggregator(const AggregatorTrainOptions& options);

}  // namespace npeps
