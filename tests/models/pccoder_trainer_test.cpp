#include "models/pccoder_trainer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "model_test_util.h"
#include "models/checkpoint.h"
#include "models/encoding.h"

namespace npeps {
namespace {

class TrainerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::temp_dir("trainer");
    data_ = (dir_ / "train.jsonl").string();
    std::ofstream out(data_);
    std::uint64_t seed = 100;
    for (int rep = 0; rep < 4; ++rep)
      for (const std::string& p : test::sample_programs())
        out << task_to_json(test::make_task(p, 5, seed++)).dump() << '\n';
    out << "{not json\n";                                                      // invalid line
    out << R"({"examples": [{"inputs": [[1,2]], "output": [2,1]}]})" << '\n';  // no program
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  TrainOptions options(int epochs) const {
    TrainOptions o;
    o.train_files = {data_};
    o.net = test::tiny_net();
    o.epochs = epochs;
    o.batch_size = 8;
    o.learning_rate = 5e-3;
    o.lr_decay_every = 3;  // epochs 0, 1 at 5e-3; epoch 2 at 5e-4
    o.validation_fraction = 0.25;
    o.checkpoint_path = (dir_ / "model.ckpt").string();
    o.log_path = (dir_ / "log.jsonl").string();
    o.progress_every = 1;
    o.use_cuda = false;
    return o;
  }

  int log_lines() const {
    std::ifstream in(dir_ / "log.jsonl");
    int n = 0;
    for (std::string line; std::getline(in, line);) {
      const auto j = nlohmann::json::parse(line);
      EXPECT_TRUE(j.contains("val") && j.contains("train") && j.contains("lr"));
      ++n;
    }
    return n;
  }

  std::filesystem::path dir_;
  std::string data_;
};

// The initial state of `t`'s first `n` examples (inputs in the first
// slots); PartialProgram views these vectors.
struct InitialState {
  std::vector<Value> slots, outputs;
  PartialProgram p;
  InitialState(const Task& t, int n) : slots(static_cast<std::size_t>(kNumSlots) * n) {
    for (int e = 0; e < n; ++e) {
      for (std::size_t i = 0; i < t.examples[e].inputs.size(); ++i)
        slots[static_cast<std::size_t>(e) * kNumSlots + i] = t.examples[e].inputs[i];
      outputs.push_back(t.examples[e].output);
    }
    p.num_examples = n;
    p.slots = slots;
    p.outputs = outputs;
    for (std::size_t i = 0; i < t.program->inputs.size(); ++i) {
      p.occupied[i] = true;
      p.slot_types[i] = t.program->inputs[i];
    }
  }
};

// Tasks with 2 and 3 examples train natively: the loss falls, and a
// 2-example state scores the same alone as next to a 5-example state (the
// padding examples are masked out of the pooling, not averaged in).
TEST_F(TrainerTest, TrainsOnTwoAndThreeExampleTasks) {
  const std::string few = (dir_ / "few.jsonl").string();
  {
    std::ofstream out(few);
    std::uint64_t seed = 500;
    for (int rep = 0; rep < 4; ++rep)
      for (const std::string& p : test::sample_programs())
        out << task_to_json(test::make_task(p, 2 + rep % 2, seed++)).dump() << '\n';
  }
  TrainOptions o = options(1);
  o.train_files = {few};
  o.log_path.clear();
  const TrainReport first = train(o);
  o = options(6);
  o.train_files = {few};
  o.log_path.clear();
  const TrainReport more = train(o);
  EXPECT_GT(first.train_states, 0u);
  EXPECT_LT(more.last_train.total, 0.9 * first.last_train.total);

  LoadedModel m = load_checkpoint(o.checkpoint_path);
  const Task two = test::make_task("LIST|SORT,0|REVERSE,1", 2, 7);
  const Task five = test::make_task("LIST|INT|TAKE,1,0", 5, 8);
  EncodedBatch alone, mixed;
  const InitialState s2(two, 2), s5(five, 5);
  const std::vector<PartialProgram> a = {s2.p};
  const std::vector<PartialProgram> b = {s2.p, s5.p};
  encode_batch(a, alone);
  encode_batch(b, mixed);
  ASSERT_EQ(alone.examples, 2);
  ASSERT_EQ(mixed.examples, 5);
  NetOutput x, y;
  m.net.forward(alone, x);
  m.net.forward(mixed, y);
  for (int i = 0; i < kNumStatements; ++i)
    ASSERT_NEAR(x.statement_logits[i], y.statement_logits[i], 1e-4) << "statement " << i;
}

TEST_F(TrainerTest, AFailedLogWriteIsAnError) {
  TrainOptions o = options(1);
  o.log_path = "/dev/full";  // opens, but every write fails
  try {
    train(o);
    FAIL() << "a log write to /dev/full went unnoticed";
  } catch (const TrainError& e) {
    EXPECT_NE(std::string(e.what()).find("writing log file '/dev/full' failed"), std::string::npos)
        << e.what();
  }
}

TEST_F(TrainerTest, TrainsCheckpointsAndResumes) {
  TrainOptions o = options(2);
  int progress_calls = 0, epoch_ends = 0;
  o.progress = [&](const TrainProgress& p) {
    ++progress_calls;
    epoch_ends += p.epoch_end;
    EXPECT_LE(p.batch, p.batches);
  };
  const TrainReport r = train(o);
  EXPECT_EQ(r.tasks_used, 4 * test::sample_programs().size());
  EXPECT_EQ(r.tasks_skipped, 2u);
  EXPECT_EQ(r.val_states + r.train_states, [] {
    std::size_t n = 0;
    for (const auto& p : test::sample_programs()) n += 4 * parse_compact(p).statements.size();
    return n;
  }());
  EXPECT_GT(r.val_states, 0u);
  EXPECT_EQ(r.epochs_done, 2);
  EXPECT_EQ(r.steps, 2 * static_cast<std::int64_t>((r.train_states + 7) / 8));
  EXPECT_EQ(epoch_ends, 2);
  EXPECT_GT(progress_calls, 2);
  EXPECT_GT(r.train_states_per_s, 0);
  EXPECT_EQ(log_lines(), 2);
  const CheckpointHeader h = read_checkpoint_header(o.checkpoint_path);
  EXPECT_EQ(h.epoch, 2);
  EXPECT_EQ(h.step, r.steps);
  EXPECT_TRUE(h.has_optimizer);
  EXPECT_DOUBLE_EQ(h.metrics.at("lr").get<double>(), 5e-3);

  // Resume to 3 epochs: one more epoch, at the decayed rate.
  o = options(3);
  o.resume = true;
  const TrainReport r2 = train(o);
  EXPECT_EQ(r2.start_epoch, 2);
  EXPECT_EQ(r2.epochs_done, 3);
  EXPECT_EQ(r2.steps, r.steps + static_cast<std::int64_t>((r.train_states + 7) / 8));
  EXPECT_EQ(log_lines(), 3);
  EXPECT_NEAR(read_checkpoint_header(o.checkpoint_path).metrics.at("lr").get<double>(), 5e-4,
              1e-12);

  // Resuming with another architecture is refused.
  o.net.hidden_dim = 32;
  o.epochs = 4;
  EXPECT_THROW(train(o), CheckpointError);
}

TEST_F(TrainerTest, SameSeedSameResult) {
  TrainOptions o = options(1);
  o.log_path.clear();
  const TrainReport a = train(o);
  const TrainReport b = train(o);
  EXPECT_EQ(a.last_train.total, b.last_train.total);
  EXPECT_EQ(a.last_val.total, b.last_val.total);
  o.seed = 2;
  const TrainReport c = train(o);
  EXPECT_NE(a.last_train.total, c.last_train.total);
}

// An epoch's order: every state once; by task, each task's states
// together and in order (the batches share their variables); by state, the
// tasks' states scattered; both deterministic by seed.
TEST(EpochOrder, TasksStayTogetherOrStatesAreShuffled) {
  std::vector<std::int64_t> starts{0};
  for (int t = 0; t < 200; ++t) starts.push_back(starts.back() + 1 + t % 5);  // 1..5 states
  const auto n = static_cast<std::size_t>(starts.back());
  for (const bool by_task : {true, false}) {
    const std::vector<std::int64_t> order = epoch_order(starts, by_task, 7);
    ASSERT_EQ(order.size(), n);
    std::vector<std::int64_t> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(sorted[i], static_cast<std::int64_t>(i));
    EXPECT_EQ(order, epoch_order(starts, by_task, 7));
    EXPECT_NE(order, epoch_order(starts, by_task, 8));
    // Task of each state; count the places where the next state is the
    // same task's next state.
    std::vector<int> task_of(n);
    for (std::size_t t = 0; t + 1 < starts.size(); ++t)
      for (std::int64_t i = starts[t]; i < starts[t + 1]; ++i)
        task_of[static_cast<std::size_t>(i)] = static_cast<int>(t);
    std::size_t together = 0;
    for (std::size_t i = 0; i + 1 < n; ++i)
      together += task_of[static_cast<std::size_t>(order[i])] ==
                      task_of[static_cast<std::size_t>(order[i + 1])] &&
                  order[i + 1] == order[i] + 1;
    if (by_task)
      EXPECT_EQ(together, n - (starts.size() - 1));  // every state but each task's first
    else
      EXPECT_LT(together, n / 10);
  }
}

TEST_F(TrainerTest, SetupErrors) {
  TrainOptions o = options(1);
  o.train_files = {(dir_ / "missing.jsonl").string()};
  EXPECT_THROW(train(o), TrainError);
  o = options(1);
  o.checkpoint_path.clear();
  EXPECT_THROW(train(o), TrainError);
  o = options(1);
  o.validation_fraction = 1.0;
  EXPECT_THROW(train(o), TrainError);
}

}  // namespace
}  // namespace npeps
