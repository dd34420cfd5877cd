// The epoch loop both trainers share, with a scripted stand-in trainer (no
// network): epochs, batch order, resume, patience, the best epoch, the log.
#include "models/epoch_loop.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include "model_test_util.h"

namespace npeps {
namespace {

// Batch losses grow with the batch's first position; each epoch's
// validation loss comes from a script. Records every call.
class ScriptedHooks final : public EpochHooks {
 public:
  std::vector<std::int64_t> order;  // returned by begin_epoch
  std::vector<double> val_losses;   // by epoch
  std::vector<int> begun, saved, saved_improved;
  std::vector<EpochBatch> batches;  // of the last epoch begun

  std::vector<std::int64_t> begin_epoch(int epoch) override {
    begun.push_back(epoch);
    batches.clear();
    states_ = 0;
    return order;
  }
  EpochStats train_batch(const EpochBatch& b) override {
    batches.push_back(b);
    states_ += b.mine.size;
    return {1.0 + static_cast<double>(b.begin), 0.5, b.mine.size};
  }
  EpochStats end_epoch() override { return {1.0, 0.5, states_}; }
  EpochStats validate() override {
    const int epoch = begun.back();
    return {val_losses.at(static_cast<std::size_t>(epoch)), 0.01 * epoch, 10};
  }
  nlohmann::json metrics(const EpochEnd& e) override {
    return {{"epoch", e.epoch + 1}, {"improved", e.improved}, {"bad_epochs", e.best.bad_epochs}};
  }
  void save(const EpochEnd& e, const nlohmann::json& metrics) override {
    EXPECT_EQ(metrics.at("epoch"), e.epoch + 1);
    saved.push_back(e.epoch);
    if (e.improved) saved_improved.push_back(e.epoch);
  }
  [[noreturn]] void fail(const std::string& message) override { throw std::runtime_error(message); }

 private:
  std::int64_t states_ = 0;
};

std::vector<nlohmann::json> read_log(const std::filesystem::path& path) {
  std::vector<nlohmann::json> rows;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) rows.push_back(nlohmann::json::parse(line));
  return rows;
}

class EpochLoopTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::temp_dir("epoch_loop"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // 10 items in batches of 4: the last batch holds 2.
  EpochLoopOptions options(int epochs) const {
    EpochLoopOptions o;
    o.epochs = epochs;
    o.items = 10;
    o.batch_size = 4;
    o.log_path = (dir_ / "log.jsonl").string();
    return o;
  }

  std::filesystem::path dir_;
};

TEST_F(EpochLoopTest, RunsEveryEpochOverEveryBatchInTheHooksOrder) {
  ScriptedHooks h;
  h.order = {2, 0, 1};
  h.val_losses = {3, 2, 1};
  EpochLoopOptions o = options(3);
  o.progress_every = 2;
  std::vector<EpochLoopProgress> reports;
  o.progress = [&](const EpochLoopProgress& p) { reports.push_back(p); };
  const EpochLoopResult r = EpochLoop(o, h).run();

  EXPECT_EQ(h.begun, (std::vector<int>{0, 1, 2}));
  ASSERT_EQ(h.batches.size(), 3u);
  const std::int64_t begins[] = {8, 0, 4}, sizes[] = {2, 4, 4};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(h.batches[i].begin, begins[i]);
    EXPECT_EQ(h.batches[i].size, sizes[i]);
    EXPECT_EQ(h.batches[i].mine.begin, 0);  // one process: the whole batch
    EXPECT_EQ(h.batches[i].mine.size, sizes[i]);
  }
  EXPECT_EQ(r.epochs_done, 3);
  EXPECT_FALSE(r.early_stopped);
  EXPECT_EQ(r.trained_states, 30);
  EXPECT_DOUBLE_EQ(r.best.loss, 1);
  EXPECT_EQ(h.saved, (std::vector<int>{0, 1, 2}));

  // Per epoch: after batch 2, after the last batch (3), after validation.
  ASSERT_EQ(reports.size(), 9u);
  EXPECT_EQ(reports[0].batch, 2);
  EXPECT_EQ(reports[0].batches, 3);
  // Running mean weighted by states: batch losses 9 (2 states), 1 (4).
  EXPECT_DOUBLE_EQ(reports[0].train_loss, (9.0 * 2 + 1.0 * 4) / 6);
  EXPECT_EQ(reports[1].batch, 3);
  EXPECT_FALSE(reports[1].epoch_end);
  EXPECT_TRUE(reports[2].epoch_end);
  EXPECT_DOUBLE_EQ(reports[2].val_loss, 3);
  EXPECT_TRUE(reports[2].improved);
  EXPECT_EQ(reports[8].epoch, 2);
  EXPECT_EQ(reports[8].epochs, 3);

  const auto log = read_log(dir_ / "log.jsonl");
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[2].at("epoch"), 3);
}

TEST_F(EpochLoopTest, ResumesFromTheStartEpochAndAppendsToTheLog) {
  ScriptedHooks first;
  first.val_losses = {5, 4, 3, 2};
  EpochLoop(options(2), first).run();
  ScriptedHooks h;
  h.val_losses = first.val_losses;
  EpochLoopOptions o = options(4);
  o.start_epoch = 2;
  o.best = {4, 0.01, 0};
  const EpochLoopResult r = EpochLoop(o, h).run();
  EXPECT_EQ(h.begun, (std::vector<int>{2, 3}));
  EXPECT_EQ(r.epochs_done, 4);
  EXPECT_EQ(r.trained_states, 20);
  EXPECT_DOUBLE_EQ(r.best.loss, 2);
  const auto log = read_log(dir_ / "log.jsonl");
  ASSERT_EQ(log.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(log[i].at("epoch"), i + 1);

  // A fresh run (start epoch 0) starts a new log.
  ScriptedHooks again;
  again.val_losses = first.val_losses;
  EpochLoop(options(1), again).run();
  EXPECT_EQ(read_log(dir_ / "log.jsonl").size(), 1u);

  // Nothing left to do: no epoch runs, the count stays.
  ScriptedHooks none;
  o.start_epoch = 4;
  EXPECT_EQ(EpochLoop(o, none).run().epochs_done, 4);
  EXPECT_TRUE(none.begun.empty());
}

TEST_F(EpochLoopTest, StopsWhenPatienceRunsOutAndKeepsTheBestEpoch) {
  ScriptedHooks h;
  h.val_losses = {3, 2, 2.5, 2, 1, 0.5};  // epoch 3 ties the best: not better
  EpochLoopOptions o = options(6);
  o.patience = 2;
  const EpochLoopResult r = EpochLoop(o, h).run();
  EXPECT_EQ(h.begun, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_TRUE(r.early_stopped);
  EXPECT_EQ(r.epochs_done, 4);
  EXPECT_DOUBLE_EQ(r.best.loss, 2);
  EXPECT_DOUBLE_EQ(r.best.statement_acc, 0.01);  // epoch 1's
  EXPECT_EQ(r.best.bad_epochs, 2);
  EXPECT_EQ(h.saved_improved, (std::vector<int>{0, 1}));
  EXPECT_EQ(read_log(dir_ / "log.jsonl").back().at("bad_epochs"), 2);

  // Resumed with no patience left: nothing runs.
  ScriptedHooks resumed;
  resumed.val_losses = h.val_losses;
  o.start_epoch = 4;
  o.best = r.best;
  const EpochLoopResult r2 = EpochLoop(o, resumed).run();
  EXPECT_TRUE(resumed.begun.empty());
  EXPECT_TRUE(r2.early_stopped);

  // Patience 0: every epoch runs.
  ScriptedHooks all;
  all.val_losses = h.val_losses;
  const EpochLoopResult r3 = EpochLoop(options(6), all).run();
  EXPECT_EQ(r3.epochs_done, 6);
  EXPECT_FALSE(r3.early_stopped);
  EXPECT_EQ(all.saved_improved, (std::vector<int>{0, 1, 4, 5}));
}

TEST_F(EpochLoopTest, LogFailuresGoThroughTheHooks) {
  ScriptedHooks h;
  h.val_losses = {1};
  EpochLoopOptions o = options(1);
  o.log_path = (dir_ / "missing" / "log.jsonl").string();
  EXPECT_THROW({ EpochLoop loop(o, h); }, std::runtime_error);  // cannot open
  o.log_path = "/dev/full";                                     // opens, but every write fails
  EpochLoop loop(o, h);
  try {
    loop.run();
    FAIL() << "a log write to /dev/full went unnoticed";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("writing log file '/dev/full' failed"), std::string::npos);
  }
  EXPECT_EQ(h.saved, (std::vector<int>{0}));  // the checkpoint comes before the log line
}

TEST(MeanOverRanks, WithoutAGroupTheMeansStay) {
  std::vector<double> means = {1.5, 0.25};
  EXPECT_EQ(mean_over_ranks(nullptr, means, 7), 7);
  EXPECT_EQ(means, (std::vector<double>{1.5, 0.25}));
}

TEST(SeededShuffle, SameSeedSameOrder) {
  std::vector<int> a(50), b;
  for (int i = 0; i < 50; ++i) a[i] = i;
  b = a;
  std::vector<int> c = a;
  seeded_shuffle(a, 3);
  seeded_shuffle(b, 3);
  seeded_shuffle(c, 4);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  std::sort(c.begin(), c.end());
  for (int i = 0; i < 50; ++i) EXPECT_EQ(c[i], i);
}

}  // namespace
}  // namespace npeps
