#include "models/pccoder_trainer.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <numeric>

#include "datasets/task.h"
#include "models/checkpoint_internal.h"
#include "models/distributed_internal.h"
#include "models/encoding.h"
#include "models/fused_adam.h"
#include "models/heap.h"
#include "models/pccoder_module.h"

namespace npeps {

// ---------------------------------------------------------------- StateSet

struct StateSet::Impl {
  int width = 1;
  std::vector<std::int16_t> tokens;         // N x width x kStateWidth
  std::vector<std::int16_t> counts;         // N
  std::vector<std::int64_t> statement, op;  // N
  std::vector<float> drop;                  // N x kNumSlots

  std::size_t size() const { return counts.size(); }
  // Whole-set tensors (views of the vectors, no copy).
  torch::Tensor tokens_t() const {
    return torch::from_blob(const_cast<std::int16_t*>(tokens.data()),
                            {static_cast<int64_t>(size()), width, kStateVars, kSlotWidth},
                            torch::kInt16);
  }
  torch::Tensor counts_t() const {
    return torch::from_blob(const_cast<std::int16_t*>(counts.data()),
                            {static_cast<int64_t>(size())}, torch::kInt16);
  }
  torch::Tensor statement_t() const {
    return torch::from_blob(const_cast<std::int64_t*>(statement.data()),
                            {static_cast<int64_t>(size())}, torch::kLong);
  }
  torch::Tensor op_t() const {
    return torch::from_blob(const_cast<std::int64_t*>(op.data()), {static_cast<int64_t>(size())},
                            torch::kLong);
  }
  torch::Tensor drop_t() const {
    return torch::from_blob(const_cast<float*>(drop.data()),
                            {static_cast<int64_t>(size()), kNumSlots}, torch::kFloat);
  }
};

StateSet::StateSet(int example_width) : impl_(std::make_unique<Impl>()) {
  if (example_width < 1) throw std::invalid_argument("StateSet: example_width must be >= 1");
  impl_->width = example_width;
}
StateSet::~StateSet() = default;
StateSet::StateSet(StateSet&&) noexcept = default;
StateSet& StateSet::operator=(StateSet&&) noexcept = default;

void StateSet::reserve(std::size_t n) {
  impl_->tokens.reserve(n * impl_->width * kStateWidth);
  impl_->counts.reserve(n);
  impl_->statement.reserve(n);
  impl_->op.reserve(n);
  impl_->drop.reserve(n * kNumSlots);
}

void StateSet::add(const TaskTrace& trace) {
  Impl& s = *impl_;
  if (trace.num_examples > s.width)
    throw std::invalid_argument("StateSet::add: trace has more examples than the set's width");
  const std::size_t stride = static_cast<std::size_t>(s.width) * kStateWidth;
  for (std::size_t t = 0; t < trace.steps.size(); ++t) {
    const TraceStep& step = trace.steps[t];
    const std::size_t at = s.tokens.size();
    s.tokens.resize(at + stride);
    encode_state(trace.state(t), s.width, s.tokens.data() + at);
    s.counts.push_back(static_cast<std::int16_t>(trace.num_examples));
    s.statement.push_back(step.statement);
    s.op.push_back(step.op);
    for (bool d : step.droppable) s.drop.push_back(d ? 1.f : 0.f);
  }
}

std::size_t StateSet::size() const { return impl_->size(); }
int StateSet::example_width() const { return impl_->width; }

// ---------------------------------------------------------------- Learner

struct Learner::Impl {
  PCCoderNet net;
  std::unique_ptr<torch::optim::Adam> adam;
  std::int64_t steps = 0;
  ProcessGroup* group = nullptr;  // data-parallel run
};

Learner::Learner(PCCoderNet net, const LearnerOptions& options) : impl_(std::make_unique<Impl>()) {
  keep_freed_memory();
  impl_->net = std::move(net);
  impl_->adam = std::make_unique<torch::optim::Adam>(
      impl_->net.impl().module->parameters(), torch::optim::AdamOptions(options.learning_rate));
}
Learner::~Learner() = default;

namespace {

// How many rows' largest logit (the first, on ties, as torch's argmax) is the
// target. A plain loop on the CPU: torch 1.13's argmax over a [100, 1298]
// batch took as long as the statement head's product.
double count_correct(const torch::Tensor& logits, const torch::Tensor& target) {
  if (!logits.is_cpu() || logits.scalar_type() != torch::kFloat || !target.is_cpu())
    return logits.argmax(1).eq(target).sum().item<double>();
  const torch::Tensor l = logits.contiguous();
  const torch::Tensor t = target.to(torch::kLong).contiguous();
  const std::int64_t rows = l.size(0), cols = l.size(1);
  const float* x = l.data_ptr<float>();
  const std::int64_t* y = t.data_ptr<std::int64_t>();
  std::int64_t correct = 0;
  for (std::int64_t r = 0; r < rows; ++r, x += cols) {
    std::int64_t best = 0;
    for (std::int64_t c = 1; c < cols; ++c)
      if (x[c] > x[best]) best = c;
    correct += best == y[r];
  }
  return static_cast<double>(correct);
}

// Accumulates loss sums weighted by state counts.
void accumulate(LossStats& acc, const Losses& l, const torch::Tensor& logits,
                const torch::Tensor& target, std::size_t n) {
  const double w = static_cast<double>(n);
  acc.total += l.total.item<double>() * w;
  acc.statement += l.statement.item<double>() * w;
  acc.drop += l.drop.item<double>() * w;
  acc.op += l.op.item<double>() * w;
  acc.statement_acc += count_correct(logits, target);
  acc.states += n;
}

void finish(LossStats& acc) {
  if (acc.states == 0) return;
  const double n = static_cast<double>(acc.states);
  acc.total /= n;
  acc.statement /= n;
  acc.drop /= n;
  acc.op /= n;
  acc.statement_acc /= n;
}

}  // namespace

void Learner::set_process_group(ProcessGroup* group) {
  impl_->group = group;
  if (group) broadcast_parameters(*group, impl_->net.impl().module->parameters());
}

LossStats Learner::step(const StateSet& set, std::span<const std::int64_t> indices,
                        std::int64_t global_states) {
  auto& module = impl_->net.impl().module;
  module->train();
  clear_gradients(*impl_->adam);  // every parameter gets a gradient each step
  LossStats stats;
  if (!indices.empty()) stats = forward_backward(set, indices);
  if (impl_->group) {
    const double local = static_cast<double>(indices.size());
    const double global = global_states > 0 ? static_cast<double>(global_states) : local;
    allreduce_gradients(*impl_->group, module->parameters(), global > 0 ? local / global : 0.0);
  }
  fused_adam_step(*impl_->adam);
  ++impl_->steps;
  return stats;
}

LossStats Learner::forward_backward(const StateSet& set, std::span<const std::int64_t> indices) {
  const auto& s = set.impl();
  const torch::Device dev = impl_->net.impl().device;
  auto& module = impl_->net.impl().module;
  const torch::Tensor idx = torch::from_blob(const_cast<std::int64_t*>(indices.data()),
                                             {static_cast<int64_t>(indices.size())}, torch::kLong);
  const torch::Tensor tokens = s.tokens_t().index_select(0, idx).to(dev, torch::kLong);
  const torch::Tensor counts = s.counts_t().index_select(0, idx).to(dev, torch::kLong);
  const torch::Tensor statement = s.statement_t().index_select(0, idx).to(dev);
  const torch::Tensor op = s.op_t().index_select(0, idx).to(dev);
  const torch::Tensor drop = s.drop_t().index_select(0, idx).to(dev);
  const auto out = module->forward(tokens, counts);
  const Losses l = compute_losses(out, statement, drop, op);
  l.total.backward();
  LossStats stats;
  torch::NoGradGuard no_grad;
  accumulate(stats, l, out.statement, statement, indices.size());
  finish(stats);
  return stats;
}

LossStats Learner::evaluate(const StateSet& set, int chunk) {
  return evaluate(set, chunk, 0, static_cast<std::int64_t>(set.size()));
}

LossStats Learner::evaluate(const StateSet& set, int chunk, std::int64_t begin,
                            std::int64_t count) {
  const auto& s = set.impl();
  const torch::Device dev = impl_->net.impl().device;
  auto& module = impl_->net.impl().module;
  torch::InferenceMode guard;
  module->eval();
  LossStats stats;
  const int64_t n = std::min<int64_t>(begin + count, static_cast<int64_t>(s.size()));
  chunk = std::max(chunk, 1);
  for (int64_t i = std::max<int64_t>(begin, 0); i < n; i += chunk) {
    const int64_t m = std::min<int64_t>(chunk, n - i);
    const torch::Tensor statement = s.statement_t().narrow(0, i, m).to(dev);
    const auto out = module->forward(s.tokens_t().narrow(0, i, m).to(dev, torch::kLong),
                                     s.counts_t().narrow(0, i, m).to(dev, torch::kLong));
    const Losses l = compute_losses(out, statement, s.drop_t().narrow(0, i, m).to(dev),
                                    s.op_t().narrow(0, i, m).to(dev));
    accumulate(stats, l, out.statement, statement, static_cast<std::size_t>(m));
  }
  finish(stats);
  return stats;
}

void Learner::set_learning_rate(double lr) {
  for (auto& g : impl_->adam->param_groups())
    static_cast<torch::optim::AdamOptions&>(g.options()).lr(lr);
}
std::int64_t Learner::steps() const { return impl_->steps; }
void Learner::set_steps(std::int64_t steps) { impl_->steps = steps; }
PCCoderNet& Learner::net() { return impl_->net; }

void Learner::save(const std::string& path, int epochs_done,
                   const std::string& metrics_json) const {
  CheckpointHeader h;
  h.epoch = epochs_done;
  h.step = impl_->steps;
  h.metrics = metrics_json.empty() ? nlohmann::json::object() : nlohmann::json::parse(metrics_json);
  save_checkpoint(path, impl_->net, std::move(h), impl_->adam.get());
}

void Learner::load_optimizer(const std::string& path) { load_optimizer_state(path, *impl_->adam); }

// ---------------------------------------------------------------- train()

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

nlohmann::json stats_json(const LossStats& s) {
  return {{"loss", s.total},       {"statement_loss", s.statement},    {"drop_loss", s.drop},
          {"operator_loss", s.op}, {"statement_acc", s.statement_acc}, {"states", s.states}};
}

EpochStats summary(const LossStats& s) {
  return {s.total, s.statement_acc, static_cast<std::int64_t>(s.states)};
}

struct TaskSource {
  std::vector<Task> tasks;
  std::size_t invalid = 0;
};

void load_into(const std::string& path, TaskSource& src, TrainReport& report) {
  if (!std::filesystem::exists(path))
    throw TrainError("training data '" + path + "' does not exist");
  std::vector<std::string> errors;
  std::vector<Task> tasks = load_tasks(path, &errors);
  src.invalid += errors.size();
  for (const std::string& e : errors)
    if (report.skipped.size() < 20) report.skipped.push_back(path + ": " + e);
  keep_search_examples(tasks);
  for (Task& t : tasks) src.tasks.push_back(std::move(t));
}

// Traces `tasks` into `set`; `starts` (if given) gets the index of each
// traced task's first state, and the set's size at the end.
void fill(StateSet& set, const std::vector<const Task*>& tasks, TrainReport& report,
          std::vector<std::int64_t>* starts = nullptr) {
  for (const Task* t : tasks) {
    try {
      if (!t->program) throw TraceError("no reference program");
      const auto before = static_cast<std::int64_t>(set.size());
      set.add(build_trace(*t->program, t->examples));
      if (starts && static_cast<std::int64_t>(set.size()) > before) starts->push_back(before);
      ++report.tasks_used;
    } catch (const TraceError& e) {
      ++report.tasks_skipped;
      if (report.skipped.size() < 20) report.skipped.push_back("task " + t->id + ": " + e.what());
    }
  }
  if (starts) starts->push_back(static_cast<std::int64_t>(set.size()));
}

// The stats over every rank (identity without a group).
LossStats all_ranks(ProcessGroup* group, LossStats s) {
  std::array<double, 5> means = {s.total, s.statement, s.drop, s.op, s.statement_acc};
  s.states =
      static_cast<std::size_t>(mean_over_ranks(group, means, static_cast<std::int64_t>(s.states)));
  s.total = means[0], s.statement = means[1], s.drop = means[2], s.op = means[3];
  s.statement_acc = means[4];
  return s;
}

// The PCCoder network's side of the epoch loop: the learning rate
// schedule, the epoch's order of states, Adam steps through the Learner,
// validation, and one checkpoint (with optimizer state) per epoch.
class PCCoderEpochs final : public EpochHooks {
 public:
  PCCoderEpochs(const TrainOptions& o, Learner& learner, const StateSet& train_set,
                const StateSet& val_set, const std::vector<std::int64_t>& task_starts,
                ProcessGroup* group, TrainReport& report, Clock::time_point t0)
      : o_(o),
        learner_(learner),
        train_set_(train_set),
        val_set_(val_set),
        task_starts_(task_starts),
        group_(group),
        report_(report),
        t0_(t0) {}

  std::vector<std::int64_t> begin_epoch(int epoch) override {
    // PCCoder's StepLR is stepped at the start of every epoch (after the one
    // step its constructor takes), so epoch e runs at decay^((e + 1) / every).
    lr_ = o_.learning_rate *
          std::pow(o_.lr_decay_factor, o_.lr_decay_every > 0 ? (epoch + 1) / o_.lr_decay_every : 0);
    learner_.set_learning_rate(lr_);
    perm_ = epoch_order(task_starts_, o_.batch_by_task,
                        o_.seed * 1000003ULL + static_cast<std::uint64_t>(epoch) + 1);
    epoch_stats_ = {};
    return {};  // batches in order: the shuffle is perm_
  }

  EpochStats train_batch(const EpochBatch& b) override {
    const LossStats s = learner_.step(
        train_set_, std::span(perm_).subspan(b.begin + b.mine.begin, b.mine.size), b.size);
    const double w = static_cast<double>(s.states);
    epoch_stats_.total += s.total * w;
    epoch_stats_.statement += s.statement * w;
    epoch_stats_.drop += s.drop * w;
    epoch_stats_.op += s.op * w;
    epoch_stats_.statement_acc += s.statement_acc * w;
    epoch_stats_.states += s.states;
    return summary(s);
  }

  EpochStats end_epoch() override {
    finish(epoch_stats_);
    epoch_stats_ = all_ranks(group_, epoch_stats_);
    return summary(epoch_stats_);
  }

  EpochStats validate() override {
    const int rank = group_ ? group_->rank() : 0, world = group_ ? group_->world_size() : 1;
    const Slice mine = rank_slice(static_cast<std::int64_t>(val_set_.size()), rank, world);
    val_ = all_ranks(group_, learner_.evaluate(val_set_, 100, mine.begin, mine.size));
    return summary(val_);
  }

  nlohmann::json metrics(const EpochEnd& e) override {
    report_.last_train = epoch_stats_;
    report_.last_val = val_;
    report_.best_val_acc = std::max(report_.best_val_acc, val_.statement_acc);
    return {{"epoch", e.epoch + 1},
            {"step", learner_.steps()},
            {"lr", lr_},
            {"train", stats_json(epoch_stats_)},
            {"val", stats_json(val_)},
            {"train_states_per_s", e.states_per_s()},
            {"processes", e.world_size},
            {"collective_s", e.collective_s},
            {"time_s", seconds_since(t0_)}};
  }

  void save(const EpochEnd& e, const nlohmann::json& metrics) override {
    learner_.save(o_.checkpoint_path, e.epoch + 1, metrics.dump());
    if (o_.keep_epoch_checkpoints)
      std::filesystem::copy_file(o_.checkpoint_path,
                                 o_.checkpoint_path + ".epoch" + std::to_string(e.epoch + 1),
                                 std::filesystem::copy_options::overwrite_existing);
  }

  [[noreturn]] void fail(const std::string& message) override { throw TrainError(message); }

 private:
  const TrainOptions& o_;
  Learner& learner_;
  const StateSet& train_set_;
  const StateSet& val_set_;
  const std::vector<std::int64_t>& task_starts_;
  ProcessGroup* group_;
  TrainReport& report_;
  Clock::time_point t0_;
  double lr_ = 0;                   // this epoch's
  std::vector<std::int64_t> perm_;  // this epoch's order of the training states
  LossStats epoch_stats_;           // sums over this rank's batches, then the epoch's means
  LossStats val_;                   // this epoch's validation
};

}  // namespace

std::vector<std::int64_t> epoch_order(const std::vector<std::int64_t>& task_starts, bool by_task,
                                      std::uint64_t seed) {
  if (task_starts.empty()) return {};
  std::vector<std::int64_t> perm(static_cast<std::size_t>(task_starts.back()));
  if (!by_task) {
    std::iota(perm.begin(), perm.end(), 0);
    seeded_shuffle(perm, seed);
    return perm;
  }
  std::vector<std::size_t> tasks(task_starts.size() - 1);
  std::iota(tasks.begin(), tasks.end(), 0);
  seeded_shuffle(tasks, seed);
  perm.clear();
  for (const std::size_t t : tasks)
    for (std::int64_t i = task_starts[t]; i < task_starts[t + 1]; ++i) perm.push_back(i);
  return perm;
}

TrainReport train(const TrainOptions& o) {
  const auto t0 = Clock::now();
  if (o.train_files.empty()) throw TrainError("no training file given");
  if (o.checkpoint_path.empty()) throw TrainError("no checkpoint path given");
  if (o.batch_size < 1 || o.epochs < 0) throw TrainError("batch size must be >= 1 and epochs >= 0");
  if (o.validation_fraction < 0 || o.validation_fraction >= 1)
    throw TrainError("validation fraction must be in [0, 1)");
  set_torch_threads(o.threads);
  TrainReport report;
  // Data-parallel: rendezvous first, so that a bad setup fails early.
  const std::unique_ptr<ProcessGroup> group = make_process_group(o.distributed);
  const int rank = group ? group->rank() : 0, world = group ? group->world_size() : 1;
  const bool rank0 = rank == 0;
  report.world_size = world;

  // Data (every rank loads all of it): tasks -> traces -> encoded states, once.
  TaskSource train_src, val_src;
  for (const std::string& f : o.train_files) load_into(f, train_src, report);
  if (o.max_tasks > 0 && train_src.tasks.size() > o.max_tasks) train_src.tasks.resize(o.max_tasks);
  std::vector<const Task*> train_tasks, val_tasks;
  if (!o.validation_file.empty()) {
    load_into(o.validation_file, val_src, report);
    for (const Task& t : train_src.tasks) train_tasks.push_back(&t);
    for (const Task& t : val_src.tasks) val_tasks.push_back(&t);
  } else {
    std::vector<std::size_t> order(train_src.tasks.size());
    std::iota(order.begin(), order.end(), 0);
    seeded_shuffle(order, o.seed);
    const auto n_val = static_cast<std::size_t>(o.validation_fraction * order.size());
    for (std::size_t i = 0; i < order.size(); ++i)
      (i < n_val ? val_tasks : train_tasks).push_back(&train_src.tasks[order[i]]);
  }
  report.tasks_skipped = train_src.invalid + val_src.invalid;
  int width = 1;
  std::size_t train_steps = 0, val_steps = 0;
  for (const Task* t : train_tasks) {
    width = std::max<int>(width, static_cast<int>(t->examples.size()));
    if (t->program) train_steps += t->program->statements.size();
  }
  for (const Task* t : val_tasks) {
    width = std::max<int>(width, static_cast<int>(t->examples.size()));
    if (t->program) val_steps += t->program->statements.size();
  }
  StateSet train_set(width), val_set(width);
  train_set.reserve(train_steps);
  val_set.reserve(val_steps);
  std::vector<std::int64_t> task_starts;
  fill(train_set, train_tasks, report, &task_starts);
  fill(val_set, val_tasks, report);
  report.train_states = train_set.size();
  report.val_states = val_set.size();
  if (train_set.size() == 0) throw TrainError("no training states: no task could be traced");

  // Network and optimizer, fresh or resumed.
  const bool cuda = o.use_cuda && cuda_available();
  std::unique_ptr<Learner> learner;
  int start_epoch = 0;
  if (o.resume && std::filesystem::exists(o.checkpoint_path)) {
    LoadedModel m = load_checkpoint(o.checkpoint_path, &o.net, cuda);
    start_epoch = m.header.epoch;
    learner = std::make_unique<Learner>(std::move(m.net), LearnerOptions{o.learning_rate});
    learner->set_steps(m.header.step);
    if (m.header.has_optimizer) learner->load_optimizer(o.checkpoint_path);
  } else if (!o.init_from.empty()) {
    LoadedModel m = load_checkpoint(o.init_from, &o.net, cuda);
    learner = std::make_unique<Learner>(std::move(m.net), LearnerOptions{o.learning_rate});
  } else {
    learner =
        std::make_unique<Learner>(PCCoderNet(o.net, o.seed, cuda), LearnerOptions{o.learning_rate});
  }
  if (group) {
    // Every rank must have read the same checkpoint (a shared file system).
    const std::array<double, 2> at = {static_cast<double>(start_epoch),
                                      static_cast<double>(learner->steps())};
    if (!agrees_with_rank0(*group, at))
      throw TrainError("rank " + std::to_string(rank) + " starts at epoch " +
                       std::to_string(start_epoch) + ", not where rank 0 does: every rank must " +
                       "see the same '" + o.checkpoint_path + "'");
    learner->set_process_group(group.get());  // also copies rank 0's parameters
  }
  report.parameters = learner->net().num_parameters();
  report.cuda = learner->net().on_cuda();
  report.start_epoch = start_epoch;
  report.epochs_done = start_epoch;

  EpochLoopOptions loop;
  loop.start_epoch = start_epoch;
  loop.epochs = o.epochs;
  loop.items = static_cast<std::int64_t>(train_set.size());
  loop.batch_size = o.batch_size;
  loop.log_path = o.log_path;
  loop.progress_every = o.progress_every;
  loop.progress = o.progress;
  loop.verbose = o.verbose;
  loop.group = group.get();
  PCCoderEpochs hooks(o, *learner, train_set, val_set, task_starts, group.get(), report, t0);
  EpochLoop epochs(std::move(loop), hooks);  // opens the log
  if (o.verbose && rank0)
    std::fprintf(stderr,
                 "training: %zu states (%zu validation), %lld parameters, %s, %d process%s\n",
                 report.train_states, report.val_states, static_cast<long long>(report.parameters),
                 report.cuda ? "CUDA" : "CPU", world, world > 1 ? "es" : "");
  const EpochLoopResult done = epochs.run();
  report.epochs_done = done.epochs_done;
  report.steps = learner->steps();
  report.train_states_per_s = done.train_states_per_s();
  report.time_s = seconds_since(t0);
  return report;
}

}  // namespace npeps
