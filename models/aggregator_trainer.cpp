#include "models/aggregator_trainer.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "models/checkpoint.h"
#include "models/cross_aggregator_module.h"
#include "models/distributed_internal.h"
#include "models/encoding.h"
#include "models/fused_adam.h"
#include "models/heap.h"
#include "models/trace.h"

namespace npeps {

PreparedInstance prepare_instance(const AggregatorInstance& inst, PCCoderNet& global,
                                  PCCoderNet& key_encoder) {
  const TaskTrace trace = build_trace(inst.program, inst.examples);
  PreparedInstance p;
  p.steps = static_cast<int>(trace.steps.size());
  std::vector<PartialProgram> states;
  for (int t = 0; t < p.steps; ++t) {
    states.push_back(trace.state(t));
    p.depths.push_back(trace.steps[t].depth);
    p.statements.push_back(trace.steps[t].statement);
    p.ops.push_back(trace.steps[t].op);
  }
  if (p.steps > 0) {
    EncodedBatch enc;
    encode_batch(states, enc);
    global.embed(enc, p.queries);
  }
  p.keys = make_aggregator_keys(inst.examples, inst.solutions, key_encoder);
  return p;
}

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Prepared instances, flattened.
struct InstanceSet {
  int d = 0;
  std::vector<std::int64_t> q_off, q_len, k_off, k_len;
  std::vector<float> q, k, k_score;
  std::vector<std::int64_t> q_pos, q_stmt, q_op, k_pos, k_stmt, k_op;

  std::size_t size() const { return q_len.size(); }
  std::size_t states() const { return q_pos.size(); }
  void add(const PreparedInstance& p) {
    q_off.push_back(static_cast<std::int64_t>(q_pos.size()));
    q_len.push_back(p.steps);
    k_off.push_back(static_cast<std::int64_t>(k_pos.size()));
    k_len.push_back(p.keys.count);
    q.insert(q.end(), p.queries.begin(), p.queries.end());
    q_pos.insert(q_pos.end(), p.depths.begin(), p.depths.end());
    q_stmt.insert(q_stmt.end(), p.statements.begin(), p.statements.end());
    q_op.insert(q_op.end(), p.ops.begin(), p.ops.end());
    k.insert(k.end(), p.keys.embedding.begin(), p.keys.embedding.end());
    k_pos.insert(k_pos.end(), p.keys.position.begin(), p.keys.position.end());
    k_stmt.insert(k_stmt.end(), p.keys.statement.begin(), p.keys.statement.end());
    k_op.insert(k_op.end(), p.keys.op.begin(), p.keys.op.end());
    k_score.insert(k_score.end(), p.keys.score.begin(), p.keys.score.end());
  }
};

struct Batch {
  AggregatorBatch in;
  torch::Tensor statement, op;  // [B, Lq], -100 at padding
  std::int64_t states = 0;
};

Batch make_batch(const InstanceSet& s, std::span<const std::int64_t> idx, torch::Device dev) {
  const std::int64_t b = static_cast<std::int64_t>(idx.size()), d = s.d;
  std::int64_t lq = 1, lk = 1;
  for (std::int64_t i : idx) lq = std::max(lq, s.q_len[i]), lk = std::max(lk, s.k_len[i]);
  auto L = torch::TensorOptions().dtype(torch::kLong);
  torch::Tensor q = torch::zeros({b, lq, d}), k = torch::zeros({b, lk, d});
  torch::Tensor qp = torch::zeros({b, lq}, L), ts = torch::full({b, lq}, -100, L),
                to = torch::full({b, lq}, -100, L);
  torch::Tensor kp = torch::zeros({b, lk}, L), vs = torch::full({b, lk}, kNumStatements, L),
                vo = torch::full({b, lk}, kNumOperators, L);
  torch::Tensor mask = torch::zeros({b, lk}, torch::kBool), sc = torch::zeros({b, lk});
  float *qd = q.data_ptr<float>(), *kd = k.data_ptr<float>(), *scd = sc.data_ptr<float>();
  std::int64_t *qpd = qp.data_ptr<std::int64_t>(), *tsd = ts.data_ptr<std::int64_t>(),
               *tod = to.data_ptr<std::int64_t>(), *kpd = kp.data_ptr<std::int64_t>(),
               *vsd = vs.data_ptr<std::int64_t>(), *vod = vo.data_ptr<std::int64_t>();
  bool* md = mask.data_ptr<bool>();
  Batch out;
  for (std::int64_t r = 0; r < b; ++r) {
    const std::int64_t i = idx[r], qo = s.q_off[i], ko = s.k_off[i];
    for (std::int64_t t = 0; t < s.q_len[i]; ++t) {
      std::copy_n(s.q.data() + (qo + t) * d, d, qd + (r * lq + t) * d);
      qpd[r * lq + t] = s.q_pos[qo + t];
      tsd[r * lq + t] = s.q_stmt[qo + t];
      tod[r * lq + t] = s.q_op[qo + t];
    }
    for (std::int64_t t = 0; t < s.k_len[i]; ++t) {
      std::copy_n(s.k.data() + (ko + t) * d, d, kd + (r * lk + t) * d);
      kpd[r * lk + t] = s.k_pos[ko + t];
      vsd[r * lk + t] = s.k_stmt[ko + t];
      vod[r * lk + t] = s.k_op[ko + t];
      scd[r * lk + t] = s.k_score[ko + t];
      md[r * lk + t] = true;
    }
    out.states += s.q_len[i];
  }
  out.in = {q.to(dev),  qp.to(dev), k.to(dev),    kp.to(dev),
            vs.to(dev), vo.to(dev), mask.to(dev), sc.to(dev)};
  out.statement = ts.to(dev);
  out.op = to.to(dev);
  return out;
}

struct Stats {
  double loss = 0, statement_loss = 0, op_loss = 0, statement_acc = 0, op_acc = 0;
  std::int64_t states = 0;
  void add(const Stats& s) {
    const double w = static_cast<double>(s.states);
    loss += s.loss * w, statement_loss += s.statement_loss * w, op_loss += s.op_loss * w;
    statement_acc += s.statement_acc * w, op_acc += s.op_acc * w;
    states += s.states;
  }
  // The stats over every rank (identity without a group); call after finish().
  Stats all_ranks(ProcessGroup* group) const {
    std::array<double, 5> means = {loss, statement_loss, op_loss, statement_acc, op_acc};
    Stats s;
    s.states = mean_over_ranks(group, means, states);
    s.loss = means[0], s.statement_loss = means[1], s.op_loss = means[2];
    s.statement_acc = means[3], s.op_acc = means[4];
    return s;
  }
  EpochStats summary() const { return {loss, statement_acc, states}; }
  void finish() {
    if (states == 0) return;
    const double n = static_cast<double>(states);
    loss /= n, statement_loss /= n, op_loss /= n, statement_acc /= n, op_acc /= n;
  }
  nlohmann::json json() const {
    return {{"loss", loss},
            {"statement_loss", statement_loss},
            {"operator_loss", op_loss},
            {"statement_acc", statement_acc},
            {"operator_acc", op_acc},
            {"states", states}};
  }
};

// Loss and accuracy of one batch (means over its real query states).
struct BatchLoss {
  torch::Tensor total;
  Stats stats;
};
BatchLoss batch_loss(CrossAggregatorModuleImpl& m, const Batch& b) {
  const auto out = m.forward(b.in, true);
  namespace F = torch::nn::functional;
  const auto ce = F::CrossEntropyFuncOptions().ignore_index(-100);
  const torch::Tensor ts = b.statement.reshape({-1}), to = b.op.reshape({-1});
  const torch::Tensor ls = F::cross_entropy(out.statement.reshape({-1, kNumStatements}), ts, ce);
  const torch::Tensor lo = F::cross_entropy(out.op.reshape({-1, kNumOperators}), to, ce);
  BatchLoss r;
  r.total = ls + lo;
  torch::NoGradGuard ng;
  const torch::Tensor real = ts.ne(-100);
  const double n = static_cast<double>(b.states);
  r.stats.states = b.states;
  r.stats.statement_loss = ls.item<double>();
  r.stats.op_loss = lo.item<double>();
  r.stats.loss = r.stats.statement_loss + r.stats.op_loss;
  r.stats.statement_acc =
      (out.statement.reshape({-1, kNumStatements}).argmax(1).eq(ts) & real).sum().item<double>() /
      n;
  r.stats.op_acc =
      (out.op.reshape({-1, kNumOperators}).argmax(1).eq(to) & real).sum().item<double>() / n;
  return r;
}

// Over the instances [slice.begin, slice.begin + slice.size).
Stats evaluate(CrossAggregatorModuleImpl& m, const InstanceSet& s, int batch, torch::Device dev,
               Slice slice) {
  torch::InferenceMode guard;
  m.eval();
  Stats total;
  std::vector<std::int64_t> idx(slice.size);
  std::iota(idx.begin(), idx.end(), slice.begin);
  for (std::size_t lo = 0; lo < idx.size(); lo += batch) {
    const std::size_t n = std::min<std::size_t>(batch, idx.size() - lo);
    const Batch b = make_batch(s, std::span(idx).subspan(lo, n), dev);
    total.add(batch_loss(m, b).stats);
  }
  total.finish();
  return total;
}

// The cross aggregator's side of the epoch loop: the instances shuffled
// and bucketed by key count, Adam steps weighted by query states,
// validation (the training losses when there is no validation set), and
// two checkpoints: the best epoch's and the last one's with optimizer state.
class AggregatorEpochs final : public EpochHooks {
 public:
  AggregatorEpochs(const AggregatorTrainOptions& o, CrossAggregator& model,
                   torch::optim::Adam& adam, const InstanceSet& train_set,
                   const InstanceSet& val_set, ProcessGroup* group, std::int64_t steps)
      : o_(o),
        model_(model),
        module_(*model.impl().module),
        adam_(adam),
        train_set_(train_set),
        val_set_(val_set),
        group_(group),
        steps_(steps),
        perm_(train_set.size()) {}

  std::vector<std::int64_t> begin_epoch(int epoch) override {
    const auto n = static_cast<std::int64_t>(train_set_.size());
    std::iota(perm_.begin(), perm_.end(), 0);
    seeded_shuffle(perm_, o_.seed * 1000003ULL + static_cast<std::uint64_t>(epoch) + 1);
    // Bucketing: within windows of 32 batches, order by key count so that a
    // batch pads little (the key projections dominate the cost); then the
    // batches are visited in random order.
    const std::int64_t window = 32 * static_cast<std::int64_t>(o_.batch_size);
    for (std::int64_t lo = 0; lo < n; lo += window)
      std::stable_sort(perm_.begin() + lo, perm_.begin() + std::min(n, lo + window),
                       [&](std::int64_t a, std::int64_t b) {
                         return train_set_.k_len[a] < train_set_.k_len[b];
                       });
    std::vector<std::int64_t> order((n + o_.batch_size - 1) / o_.batch_size);
    std::iota(order.begin(), order.end(), 0);
    seeded_shuffle(order, o_.seed * 7919ULL + static_cast<std::uint64_t>(epoch) + 1);
    epoch_stats_ = {};
    module_.train();
    return order;
  }

  EpochStats train_batch(const EpochBatch& b) override {
    adam_.zero_grad();
    Stats slice_stats;
    if (b.mine.size > 0) {
      const Batch batch =
          make_batch(train_set_, std::span(perm_).subspan(b.begin + b.mine.begin, b.mine.size),
                     model_.impl().device);
      BatchLoss l = batch_loss(module_, batch);
      l.total.backward();
      slice_stats = l.stats;
    }
    if (group_) {
      // The loss is a mean over query states: weight by this slice's share.
      std::int64_t global_states = 0;
      for (std::int64_t i = b.begin; i < b.begin + b.size; ++i)
        global_states += train_set_.q_len[perm_[i]];
      allreduce_gradients(*group_, module_.parameters(),
                          static_cast<double>(slice_stats.states) / global_states);
    }
    fused_adam_step(adam_);
    ++steps_;
    epoch_stats_.add(slice_stats);
    return slice_stats.summary();
  }

  EpochStats end_epoch() override {
    epoch_stats_.finish();
    epoch_stats_ = epoch_stats_.all_ranks(group_);
    return epoch_stats_.summary();
  }

  EpochStats validate() override {
    const int rank = group_ ? group_->rank() : 0, world = group_ ? group_->world_size() : 1;
    val_ = val_set_.size() > 0
               ? evaluate(module_, val_set_, o_.batch_size, model_.impl().device,
                          rank_slice(static_cast<std::int64_t>(val_set_.size()), rank, world))
                     .all_ranks(group_)
               : epoch_stats_;
    return val_.summary();
  }

  nlohmann::json metrics(const EpochEnd& e) override {
    return {{"epoch", e.epoch + 1},
            {"train", epoch_stats_.json()},
            {"val", val_.json()},
            {"best_loss", e.best.loss},
            {"best_val_acc", e.best.statement_acc},
            {"bad_epochs", e.best.bad_epochs},
            {"states_per_s", e.states_per_s()},
            {"processes", e.world_size},
            {"collective_s", e.collective_s},
            {"epoch_time_s", e.time_s}};
  }

  void save(const EpochEnd& e, const nlohmann::json& metrics) override {
    AggregatorCheckpoint h;
    h.epoch = e.epoch + 1;
    h.step = steps_;
    h.metrics = metrics;
    if (e.improved) save_aggregator(o_.checkpoint_path, model_, h);
    save_aggregator(o_.checkpoint_path + ".last", model_, h, &adam_);
  }

  [[noreturn]] void fail(const std::string& message) override {
    throw AggregatorTrainError(message);
  }

 private:
  const AggregatorTrainOptions& o_;
  CrossAggregator& model_;
  CrossAggregatorModuleImpl& module_;
  torch::optim::Adam& adam_;
  const InstanceSet& train_set_;
  const InstanceSet& val_set_;
  ProcessGroup* group_;
  std::int64_t steps_;              // optimizer steps in total (the checkpoints' count)
  std::vector<std::int64_t> perm_;  // this epoch's order of the training instances
  Stats epoch_stats_;               // sums over this rank's batches, then the epoch's means
  Stats val_;                       // this epoch's validation
};

}  // namespace

AggregatorTrainReport train_aggregator(const AggregatorTrainOptions& o) {
  const auto t0 = Clock::now();
  if (o.data_files.empty()) throw AggregatorTrainError("no aggregator data file given");
  if (o.checkpoint_path.empty()) throw AggregatorTrainError("no checkpoint path given");
  if (o.global_checkpoint.empty()) throw AggregatorTrainError("no global model checkpoint given");
  if (o.model.key_encoder == KeyEncoder::PE && o.pe_checkpoint.empty())
    throw AggregatorTrainError("no PE model checkpoint given (keys use the PE model)");
  if (o.batch_size < 1 || o.epochs < 0 || o.patience < 0)
    throw AggregatorTrainError("batch size must be >= 1, epochs and patience >= 0");
  if (o.validation_fraction < 0 || o.validation_fraction >= 1)
    throw AggregatorTrainError("validation fraction must be in [0, 1)");
  set_torch_threads(o.threads);
  AggregatorTrainReport report;
  // Data-parallel: rendezvous first, so that a bad setup fails early.
  const std::unique_ptr<ProcessGroup> group = make_process_group(o.distributed);
  const int rank = group ? group->rank() : 0, world = group ? group->world_size() : 1;
  report.world_size = world;
  const bool cuda = o.use_cuda && cuda_available();

  // Frozen encoders.
  LoadedModel global = load_checkpoint(o.global_checkpoint, nullptr, cuda);
  std::unique_ptr<LoadedModel> pe;
  if (o.model.key_encoder == KeyEncoder::PE)
    pe = std::make_unique<LoadedModel>(load_checkpoint(o.pe_checkpoint, nullptr, cuda));
  PCCoderNet& key_net = pe ? pe->net : global.net;
  if (global.net.options().hidden_dim != o.model.d_model ||
      key_net.options().hidden_dim != o.model.d_model)
    throw AggregatorTrainError("the encoders' hidden_dim must equal the aggregator's d_model (" +
                               std::to_string(o.model.d_model) + ")");

  // Instances -> prepared sets.
  std::vector<AggregatorInstance> train_inst, val_inst;
  std::vector<std::string> errors;
  for (const std::string& f : o.data_files) {
    if (!std::filesystem::exists(f))
      throw AggregatorTrainError("data file '" + f + "' does not exist");
    for (auto& i : load_aggregator_instances(f, &errors)) train_inst.push_back(std::move(i));
  }
  if (!o.validation_file.empty()) {
    if (!std::filesystem::exists(o.validation_file))
      throw AggregatorTrainError("validation file '" + o.validation_file + "' does not exist");
    val_inst = load_aggregator_instances(o.validation_file, &errors);
  }
  report.instances_skipped = errors.size();
  for (const std::string& e : errors)
    if (report.skipped.size() < 20) report.skipped.push_back(e);
  auto usable = [&](const AggregatorInstance& i) {
    return !i.solutions.empty() && (o.include_full || !i.full);
  };
  auto keep = [&](std::vector<AggregatorInstance>& v) {
    std::vector<AggregatorInstance> kept;
    for (auto& i : v)
      if (usable(i))
        kept.push_back(std::move(i));
      else
        ++report.instances_skipped;
    v = std::move(kept);
  };
  keep(train_inst);
  keep(val_inst);
  if (o.max_instances > 0 && train_inst.size() > o.max_instances)
    train_inst.resize(o.max_instances);
  std::vector<const AggregatorInstance*> tr, va;
  if (o.validation_file.empty()) {
    std::vector<std::size_t> order(train_inst.size());
    std::iota(order.begin(), order.end(), 0);
    seeded_shuffle(order, o.seed);
    const auto n_val = static_cast<std::size_t>(o.validation_fraction * order.size());
    for (std::size_t i = 0; i < order.size(); ++i)
      (i < n_val ? va : tr).push_back(&train_inst[order[i]]);
  } else {
    for (const auto& i : train_inst) tr.push_back(&i);
    for (const auto& i : val_inst) va.push_back(&i);
  }
  const auto tp = Clock::now();
  InstanceSet train_set, val_set;
  train_set.d = val_set.d = o.model.d_model;
  auto fill = [&](InstanceSet& set, const std::vector<const AggregatorInstance*>& v) {
    for (const AggregatorInstance* i : v) {
      try {
        PreparedInstance p = prepare_instance(*i, global.net, key_net);
        if (p.steps == 0 || p.keys.count == 0) throw TraceError("no steps or no keys");
        set.add(p);
        ++report.instances_used;
      } catch (const TraceError& e) {
        ++report.instances_skipped;
        if (report.skipped.size() < 20)
          report.skipped.push_back("instance " + i->id + ": " + e.what());
      }
    }
  };
  fill(train_set, tr);
  fill(val_set, va);
  report.prepare_s = since(tp);
  report.train_states = train_set.states();
  report.val_states = val_set.states();
  report.train_keys = train_set.k_pos.size();
  if (train_set.size() == 0) throw AggregatorTrainError("no usable training instance");

  // Model and optimizer, fresh or resumed.
  const std::string last_path = o.checkpoint_path + ".last";
  std::unique_ptr<CrossAggregator> model;
  int start_epoch = 0, bad_epochs = 0;
  std::int64_t steps = 0;
  double best = INFINITY, best_acc = 0;
  const bool resuming = o.resume && std::filesystem::exists(last_path);
  // A saved aggregator to continue from, refused unless it has o.model's architecture.
  auto load_same_architecture = [&](const std::string& path, const std::string& what) {
    LoadedAggregator l = load_aggregator(path, cuda);
    if (!(l.header.architecture == o.model))
      throw CheckpointError(what + "'" + path +
                            "' has another architecture: " + to_json(l.header.architecture).dump() +
                            ", expected " + to_json(o.model).dump());
    return l;
  };
  if (resuming) {
    LoadedAggregator l = load_same_architecture(last_path, "checkpoint ");
    model = std::make_unique<CrossAggregator>(std::move(l.model));
    start_epoch = l.header.epoch;
    steps = l.header.step;
    best = l.header.metrics.value("best_loss", INFINITY);
    best_acc = l.header.metrics.value("best_val_acc", 0.0);
    bad_epochs = l.header.metrics.value("bad_epochs", 0);
  } else if (!o.init_from.empty()) {
    model = std::make_unique<CrossAggregator>(
        load_same_architecture(o.init_from, "--init checkpoint ").model);
  } else {
    model = std::make_unique<CrossAggregator>(o.model, o.seed, &global.net, cuda);
  }
  auto& module = *model->impl().module;
  keep_freed_memory();
  torch::optim::Adam adam(module.parameters(), torch::optim::AdamOptions(o.learning_rate));
  if (resuming && read_aggregator_header(last_path).has_optimizer)
    load_aggregator_optimizer(last_path, adam);
  if (group) {
    const std::array<double, 2> at = {static_cast<double>(start_epoch), static_cast<double>(steps)};
    if (!agrees_with_rank0(*group, at))
      throw AggregatorTrainError("rank " + std::to_string(rank) + " starts at epoch " +
                                 std::to_string(start_epoch) + ", not where rank 0 does: every " +
                                 "rank must see the same '" + last_path + "'");
    broadcast_parameters(*group, module.parameters());
    torch::manual_seed(o.seed * 1000003ULL + static_cast<std::uint64_t>(rank));  // own dropout
  }
  report.parameters = model->num_parameters();
  report.cuda = model->on_cuda();
  report.start_epoch = report.epochs_done = start_epoch;

  EpochLoopOptions loop;
  loop.start_epoch = start_epoch;
  loop.epochs = o.epochs;
  loop.items = static_cast<std::int64_t>(train_set.size());
  loop.batch_size = o.batch_size;
  loop.patience = o.patience;
  loop.best = {best, best_acc, bad_epochs};
  loop.log_path = o.log_path;
  loop.progress_every = o.progress_every;
  loop.progress = o.progress;
  loop.group = group.get();
  AggregatorEpochs hooks(o, *model, adam, train_set, val_set, group.get(), steps);
  const EpochLoopResult done = EpochLoop(std::move(loop), hooks).run();
  report.epochs_done = done.epochs_done;
  report.early_stopped = done.early_stopped;
  report.best_val_loss = done.best.loss;
  report.best_val_acc = done.best.statement_acc;
  report.train_states_per_s = done.train_states_per_s();
  report.time_s = since(t0);
  return report;
}

}  // namespace npeps
