#include "models/trainer.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>

#include "datasets/task.h"
#include "models/checkpoint_internal.h"
#include "models/distributed_internal.h"
#include "models/encoding.h"
#include "models/fused_adam.h"
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

// Accumulates loss sums weighted by state counts.
void accumulate(LossStats& acc, const Losses& l, const torch::Tensor& logits,
                const torch::Tensor& target, std::size_t n) {
  const double w = static_cast<double>(n);
  acc.total += l.total.item<double>() * w;
  acc.statement += l.statement.item<double>() * w;
  acc.drop += l.drop.item<double>() * w;
  acc.op += l.op.item<double>() * w;
  acc.statement_acc += logits.argmax(1).eq(target).sum().item<double>();
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
  impl_->adam->zero_grad();
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

nlohmann::json stats_json(const LossStats& s) {
  return {{"loss", s.total},       {"statement_loss", s.statement},    {"drop_loss", s.drop},
          {"operator_loss", s.op}, {"statement_acc", s.statement_acc}, {"states", s.states}};
}

// Deterministic Fisher-Yates (std::shuffle's algorithm is unspecified).
template <class T>
void shuffle(std::vector<T>& v, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng() % i]);
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

// Loss sums (weighted by states) of a finished LossStats, and back.
std::array<double, 6> sums(const LossStats& s) {
  const double n = static_cast<double>(s.states);
  return {s.total * n, s.statement * n, s.drop * n, s.op * n, s.statement_acc * n, n};
}
LossStats from_sums(const std::array<double, 6>& a) {
  LossStats s;
  s.total = a[0], s.statement = a[1], s.drop = a[2], s.op = a[3], s.statement_acc = a[4];
  s.states = static_cast<std::size_t>(std::llround(a[5]));
  finish(s);
  return s;
}
// The stats over every rank (identity without a group).
LossStats all_ranks(ProcessGroup* group, const LossStats& mine) {
  if (!group) return mine;
  std::array<double, 6> a = sums(mine);
  group->allreduce_sum(a);
  return from_sums(a);
}

}  // namespace

std::vector<std::int64_t> epoch_order(const std::vector<std::int64_t>& task_starts, bool by_task,
                                      std::uint64_t seed) {
  if (task_starts.empty()) return {};
  std::vector<std::int64_t> perm(static_cast<std::size_t>(task_starts.back()));
  if (!by_task) {
    std::iota(perm.begin(), perm.end(), 0);
    shuffle(perm, seed);
    return perm;
  }
  std::vector<std::size_t> tasks(task_starts.size() - 1);
  std::iota(tasks.begin(), tasks.end(), 0);
  shuffle(tasks, seed);
  perm.clear();
  for (const std::size_t t : tasks)
    for (std::int64_t i = task_starts[t]; i < task_starts[t + 1]; ++i) perm.push_back(i);
  return perm;
}

TrainReport train(const TrainOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  auto seconds_since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };
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
    shuffle(order, o.seed);
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

  std::ofstream log;
  if (!o.log_path.empty() && rank0) {
    log.open(o.log_path, start_epoch > 0 ? std::ios::app : std::ios::trunc);
    if (!log) throw TrainError("cannot write log file '" + o.log_path + "'");
  }
  std::function<void(const TrainProgress&)> progress;
  if (rank0) progress = o.progress;
  const bool verbose = o.verbose && rank0;
  if (verbose)
    std::fprintf(stderr,
                 "training: %zu states (%zu validation), %lld parameters, %s, %d process%s\n",
                 report.train_states, report.val_states, static_cast<long long>(report.parameters),
                 report.cuda ? "CUDA" : "CPU", world, world > 1 ? "es" : "");

  const std::int64_t n = static_cast<std::int64_t>(train_set.size());
  const std::int64_t batches = (n + o.batch_size - 1) / o.batch_size;
  std::vector<std::int64_t> perm;
  double train_time = 0;
  std::size_t trained_states = 0;
  if (group) group->barrier();  // the ranks load at different speeds: start the clocks together
  for (int epoch = start_epoch; epoch < o.epochs; ++epoch) {
    // PCCoder's StepLR is stepped at the start of every epoch (after the one
    // step its constructor takes), so epoch e runs at decay^((e + 1) / every).
    const double lr =
        o.learning_rate *
        std::pow(o.lr_decay_factor, o.lr_decay_every > 0 ? (epoch + 1) / o.lr_decay_every : 0);
    learner->set_learning_rate(lr);
    perm = epoch_order(task_starts, o.batch_by_task,
                       o.seed * 1000003ULL + static_cast<std::uint64_t>(epoch) + 1);

    const auto te = std::chrono::steady_clock::now();
    const double comm0 = group ? group->collective_seconds() : 0;
    LossStats epoch_stats;
    TrainProgress p;
    p.epoch = epoch;
    p.epochs = o.epochs;
    p.batches = batches;
    for (std::int64_t b = 0; b < batches; ++b) {
      const std::int64_t lo = b * o.batch_size, m = std::min<std::int64_t>(o.batch_size, n - lo);
      const Slice mine = rank_slice(m, rank, world);
      const LossStats s =
          learner->step(train_set, std::span(perm).subspan(lo + mine.begin, mine.size), m);
      const double w = static_cast<double>(s.states);
      epoch_stats.total += s.total * w;
      epoch_stats.statement += s.statement * w;
      epoch_stats.drop += s.drop * w;
      epoch_stats.op += s.op * w;
      epoch_stats.statement_acc += s.statement_acc * w;
      epoch_stats.states += s.states;
      if ((b + 1) % std::max(o.progress_every, 1) == 0 || b + 1 == batches) {
        std::array<double, 2> so_far = {epoch_stats.total, static_cast<double>(epoch_stats.states)};
        if (group) group->allreduce_sum(so_far);  // every rank, same batches
        p.batch = b + 1;
        p.train_loss = so_far[0] / so_far[1];
        p.states_per_s = so_far[1] / seconds_since(te);
        if (progress) progress(p);
        if (verbose)
          std::fprintf(stderr, "\repoch %d/%d batch %lld/%lld loss %.4f %.0f states/s", epoch + 1,
                       o.epochs, static_cast<long long>(p.batch), static_cast<long long>(batches),
                       p.train_loss, p.states_per_s);
      }
    }
    finish(epoch_stats);
    epoch_stats = all_ranks(group.get(), epoch_stats);
    const double epoch_time = seconds_since(te);
    const double comm_time = group ? group->collective_seconds() - comm0 : 0;
    train_time += epoch_time;
    trained_states += epoch_stats.states;
    // Validation: each rank evaluates its slice of the set.
    const Slice val_slice = rank_slice(static_cast<std::int64_t>(val_set.size()), rank, world);
    const LossStats val =
        all_ranks(group.get(), learner->evaluate(val_set, 100, val_slice.begin, val_slice.size));
    report.last_train = epoch_stats;
    report.last_val = val;
    report.best_val_acc = std::max(report.best_val_acc, val.statement_acc);
    report.epochs_done = epoch + 1;
    report.steps = learner->steps();

    const nlohmann::json metrics = {{"epoch", epoch + 1},
                                    {"step", learner->steps()},
                                    {"lr", lr},
                                    {"train", stats_json(epoch_stats)},
                                    {"val", stats_json(val)},
                                    {"train_states_per_s", epoch_stats.states / epoch_time},
                                    {"processes", world},
                                    {"collective_s", comm_time},
                                    {"time_s", seconds_since(t0)}};
    if (!rank0) continue;  // rank 0 alone writes and reports
    learner->save(o.checkpoint_path, epoch + 1, metrics.dump());
    if (o.keep_epoch_checkpoints)
      std::filesystem::copy_file(o.checkpoint_path,
                                 o.checkpoint_path + ".epoch" + std::to_string(epoch + 1),
                                 std::filesystem::copy_options::overwrite_existing);
    if (log.is_open()) {
      log << metrics.dump() << '\n' << std::flush;
      if (!log) throw TrainError("writing log file '" + o.log_path + "' failed (disk full?)");
    }
    p.epoch_end = true;
    p.val_loss = val.total;
    p.val_statement_acc = val.statement_acc;
    if (progress) progress(p);
    if (verbose)
      std::fprintf(
          stderr,
          "\repoch %d/%d loss %.4f train acc %.3f | val loss %.4f acc %.3f | %.0f states/s\n",
          epoch + 1, o.epochs, epoch_stats.total, epoch_stats.statement_acc, val.total,
          val.statement_acc, epoch_stats.states / epoch_time);
  }
  // When train() returns on any rank, rank 0's checkpoint is complete.
  if (group) group->barrier();
  report.steps = learner->steps();
  report.train_states_per_s = train_time > 0 ? trained_states / train_time : 0;
  report.time_s = seconds_since(t0);
  return report;
}

}  // namespace npeps
