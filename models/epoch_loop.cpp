#include "models/epoch_loop.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>

namespace npeps {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace

EpochLoop::EpochLoop(EpochLoopOptions options, EpochHooks& hooks)
    : o_(std::move(options)), hooks_(hooks), rank0_(!o_.group || o_.group->rank() == 0) {
  if (!rank0_) {
    o_.progress = nullptr;
    o_.verbose = false;
  } else if (!o_.log_path.empty()) {
    log_.open(o_.log_path, o_.start_epoch > 0 ? std::ios::app : std::ios::trunc);
    if (!log_) hooks_.fail("cannot write log file '" + o_.log_path + "'");
  }
}

EpochLoopResult EpochLoop::run() {
  ProcessGroup* const group = o_.group;
  const int rank = group ? group->rank() : 0, world = group ? group->world_size() : 1;
  const std::int64_t n = o_.items;
  const std::int64_t batches = (n + o_.batch_size - 1) / o_.batch_size;
  EpochLoopResult r;
  r.epochs_done = o_.start_epoch;
  r.best = o_.best;
  bool stop = o_.patience > 0 && r.best.bad_epochs >= o_.patience;
  if (group) group->barrier();  // the ranks load at different speeds: start the clocks together
  for (int epoch = o_.start_epoch; epoch < o_.epochs && !stop; ++epoch) {
    const std::vector<std::int64_t> order = hooks_.begin_epoch(epoch);
    const auto te = Clock::now();
    const double comm0 = group ? group->collective_seconds() : 0;
    double loss_sum = 0;  // this rank's, weighted by states
    std::int64_t states = 0;
    EpochLoopProgress p;
    p.epoch = epoch;
    p.epochs = o_.epochs;
    p.batches = batches;
    for (std::int64_t b = 0; b < batches; ++b) {
      EpochBatch batch;
      batch.begin = (order.empty() ? b : order[static_cast<std::size_t>(b)]) * o_.batch_size;
      batch.size = std::min<std::int64_t>(o_.batch_size, n - batch.begin);
      batch.mine = rank_slice(batch.size, rank, world);
      const EpochStats s = hooks_.train_batch(batch);
      loss_sum += s.loss * static_cast<double>(s.states);
      states += s.states;
      if ((b + 1) % std::max(o_.progress_every, 1) == 0 || b + 1 == batches) {
        std::array<double, 2> so_far = {loss_sum, static_cast<double>(states)};
        if (group) group->allreduce_sum(so_far);  // every rank, same batches
        p.batch = b + 1;
        p.train_loss = so_far[0] / so_far[1];
        p.states_per_s = so_far[1] / since(te);
        if (o_.progress) o_.progress(p);
        if (o_.verbose)
          std::fprintf(stderr, "\repoch %d/%d batch %lld/%lld loss %.4f %.0f states/s", epoch + 1,
                       o_.epochs, static_cast<long long>(p.batch), static_cast<long long>(batches),
                       p.train_loss, p.states_per_s);
      }
    }
    EpochEnd end;
    end.epoch = epoch;
    end.world_size = world;
    end.train = hooks_.end_epoch();
    end.time_s = since(te);
    end.collective_s = group ? group->collective_seconds() - comm0 : 0;
    r.train_time_s += end.time_s;
    r.trained_states += end.train.states;
    end.val = hooks_.validate();
    end.improved = end.val.loss < r.best.loss;
    if (end.improved) {
      r.best.loss = end.val.loss;
      r.best.statement_acc = end.val.statement_acc;
      r.best.bad_epochs = 0;
    } else {
      ++r.best.bad_epochs;
    }
    end.best = r.best;
    stop = o_.patience > 0 && r.best.bad_epochs >= o_.patience;
    r.epochs_done = epoch + 1;
    const nlohmann::json metrics = hooks_.metrics(end);
    if (!rank0_) continue;  // rank 0 alone writes and reports
    hooks_.save(end, metrics);
    if (log_.is_open()) {
      log_ << metrics.dump() << '\n' << std::flush;
      if (!log_) hooks_.fail("writing log file '" + o_.log_path + "' failed (disk full?)");
    }
    p.epoch_end = true;
    p.val_loss = end.val.loss;
    p.val_statement_acc = end.val.statement_acc;
    p.improved = end.improved;
    p.states_per_s = end.states_per_s();
    if (o_.progress) o_.progress(p);
    if (o_.verbose)
      std::fprintf(
          stderr,
          "\repoch %d/%d loss %.4f train acc %.3f | val loss %.4f acc %.3f | %.0f states/s\n",
          epoch + 1, o_.epochs, end.train.loss, end.train.statement_acc, end.val.loss,
          end.val.statement_acc, end.states_per_s());
  }
  // When run() returns on any rank, rank 0's checkpoints are complete.
  if (group) group->barrier();
  r.early_stopped = stop;
  return r;
}

std::int64_t mean_over_ranks(ProcessGroup* group, std::span<double> means, std::int64_t states) {
  if (!group) return states;
  // Sums weighted by states, and the states, in one collective.
  const double n = static_cast<double>(states);
  std::vector<double> sums(means.size() + 1);
  for (std::size_t i = 0; i < means.size(); ++i) sums[i] = means[i] * n;
  sums.back() = n;
  group->allreduce_sum(sums);
  const std::int64_t total = std::llround(sums.back());
  for (std::size_t i = 0; i < means.size(); ++i)
    means[i] = total > 0 ? sums[i] / static_cast<double>(total) : sums[i];
  return total;
}

}  // namespace npeps
