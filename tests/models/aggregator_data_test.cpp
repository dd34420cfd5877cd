// Aggregator instances (models/aggregator_data.h): every task gets a line,
// a restart skips the tasks done, and shards together are the single run.
#include "models/aggregator_data.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "model_test_util.h"
#include "models/checkpoint.h"

namespace npeps {
namespace {

// Instance lines of a file, by task id.
std::map<std::string, nlohmann::json> by_id(const std::string& path) {
  std::map<std::string, nlohmann::json> m;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) {
      const nlohmann::json j = nlohmann::json::parse(line);
      EXPECT_TRUE(m.emplace(j.at("id").get<std::string>(), j).second) << "twice: " << line;
    }
  return m;
}

class AggregatorDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::temp_dir("aggdata");
    std::ofstream out(dir_ / "tasks.jsonl");
    std::uint64_t seed = 40;
    int n = 0;
    for (int rep = 0; rep < 2; ++rep)
      for (const std::string& p : test::sample_programs()) {
        Task t = test::make_task(p, 3, seed++);
        char id[16];  // (not "t" + std::to_string: GCC 12's -Wrestrict false positive)
        std::snprintf(id, sizeof id, "t%d", n++);
        t.id = id;
        out << task_to_json(t).dump() << '\n';
      }
    tasks_ = n;
    save_checkpoint((dir_ / "pe.ckpt").string(), PCCoderNet(test::tiny_net(), 3),
                    CheckpointHeader{});
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  AggregatorDataOptions options(const std::string& out) const {
    AggregatorDataOptions o;
    o.tasks_path = (dir_ / "tasks.jsonl").string();
    o.out_path = (dir_ / out).string();
    o.pe_checkpoint = (dir_ / "pe.ckpt").string();
    o.min_nodes = 50;
    o.max_nodes = 400;
    o.seed = 5;
    return o;
  }

  std::filesystem::path dir_;
  int tasks_ = 0;
};

TEST_F(AggregatorDataTest, ShardsTogetherAreTheSingleRun) {
  const AggregatorDataReport all = generate_aggregator_data(options("all.jsonl"));
  EXPECT_EQ(all.processed, static_cast<std::size_t>(tasks_));
  std::size_t processed = 0;
  for (int i = 0; i < 3; ++i) {
    AggregatorDataOptions o = options("shards.jsonl");  // all shards append to one file
    o.shard_index = i;
    o.shard_count = 3;
    const AggregatorDataReport r = generate_aggregator_data(o);
    EXPECT_EQ(r.processed, static_cast<std::size_t>((tasks_ - i + 2) / 3)) << "shard " << i;
    processed += r.processed;
  }
  EXPECT_EQ(processed, all.processed);
  const auto single = by_id((dir_ / "all.jsonl").string());
  const auto merged = by_id((dir_ / "shards.jsonl").string());
  ASSERT_EQ(single.size(), static_cast<std::size_t>(tasks_));
  ASSERT_EQ(merged.size(), single.size());
  std::size_t with_solutions = 0;
  for (const auto& [id, j] : single) {
    ASSERT_TRUE(merged.count(id)) << id;
    EXPECT_EQ(merged.at(id), j) << id;  // same budget draw, same PE solutions
    with_solutions += !j.at("pe_solutions").empty();
  }
  EXPECT_GT(with_solutions, 0u);

  // A rerun skips every task already in the file.
  EXPECT_EQ(generate_aggregator_data(options("all.jsonl")).processed, 0u);
  AggregatorDataOptions bad = options("x.jsonl");
  bad.shard_index = 3;
  bad.shard_count = 3;
  EXPECT_THROW(generate_aggregator_data(bad), AggregatorDataError);
}

}  // namespace
}  // namespace npeps
