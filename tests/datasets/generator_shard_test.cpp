#include "datasets/generator_shard.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/common/temp_files.h"

namespace npeps {
namespace {

GeneratorOptions run_options() {
  GeneratorOptions o;
  o.lengths = {1, 2, 4};
  o.programs_per_length = 60;
  o.seed = 9;
  o.threads = 2;
  return o;
}

std::string temp_path(const std::string& name) {
  static const npeps::test_support::TempFiles files("shard");
  return files.path(name);
}

// Writes shards 0..n-1 of `o`; returns their paths.
std::vector<std::string> write_shards(const GeneratorOptions& o, int n, const std::string& tag) {
  std::vector<std::string> paths;
  for (int i = 0; i < n; ++i) {
    paths.push_back(temp_path(tag + "_" + std::to_string(i)));
    std::ofstream f(paths.back());
    generate_shard(o, ShardSpec{i, n}, f);
  }
  return paths;
}

void expect_same(const std::vector<Task>& a, const std::vector<Task>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    EXPECT_EQ(task_to_json(a[i]).dump(), task_to_json(b[i]).dump()) << i;
}

TEST(GeneratorShard, MergedShardsEqualTheSingleRun) {
  const GeneratorOptions o = run_options();
  GeneratorStats single_stats;
  const auto single = generate(o, &single_stats);
  for (int n : {1, 3}) {
    SCOPED_TRACE(n);
    MergeReport report;
    GeneratorStats stats;
    // Any order of the files.
    auto paths = write_shards(o, n, "plain" + std::to_string(n));
    std::reverse(paths.begin(), paths.end());
    expect_same(single, merge_shards(paths, 2, &stats, &report));
    EXPECT_GT(report.chunks_from_shards, 0u);
    ASSERT_EQ(stats.lengths.size(), single_stats.lengths.size());
    for (std::size_t l = 0; l < stats.lengths.size(); ++l) {
      EXPECT_EQ(stats.lengths[l].kept, single_stats.lengths[l].kept);
      EXPECT_EQ(stats.lengths[l].duplicate, single_stats.lengths[l].duplicate);
      EXPECT_EQ(stats.lengths[l].candidates, single_stats.lengths[l].candidates);
    }
  }
}

TEST(GeneratorShard, MixtureAndExclusionsToo) {
  GeneratorOptions o = run_options();
  apply_training_mixture(o);
  const auto exclude = generate(run_options());
  o.exclude = &exclude;
  o.seed = 10;
  expect_same(generate(o), merge_shards(write_shards(o, 2, "mix"), 1));
}

TEST(GeneratorShard, MergeComputesChunksNoShardHas) {
  const GeneratorOptions o = run_options();
  auto paths = write_shards(o, 2, "short");
  {  // Keep only the header and the first chunk line of shard 1.
    std::ifstream in(paths[1]);
    std::string header, first;
    std::getline(in, header);
    std::getline(in, first);
    in.close();
    std::ofstream out(paths[1]);
    out << header << '\n' << first << '\n';
  }
  MergeReport report;
  expect_same(generate(o), merge_shards(paths, 2, nullptr, &report));
  EXPECT_GT(report.chunks_computed, 0u);
}

TEST(GeneratorShard, MergeRejectsIncompleteOrMixedSets) {
  const GeneratorOptions o = run_options();
  const auto three = write_shards(o, 3, "set");
  EXPECT_THROW(merge_shards({three[0], three[2]}, 1), GeneratorError);  // shard 1 missing
  EXPECT_THROW(merge_shards({three[0], three[0], three[1], three[2]}, 1), GeneratorError);
  GeneratorOptions other = o;
  other.seed = 99;
  const auto foreign = write_shards(other, 3, "foreign");
  EXPECT_THROW(merge_shards({three[0], foreign[1], three[2]}, 1), GeneratorError);
  EXPECT_THROW(merge_shards({temp_path("does_not_exist")}, 1), GeneratorError);
}

TEST(GeneratorShard, OptionsRoundTripThroughJson) {
  GeneratorOptions o = run_options();
  apply_training_mixture(o);
  o.use_constraints = false;
  o.constraints.index_max = 7;
  const GeneratorOptions back = generator_options_from_json(generator_options_to_json(o));
  EXPECT_EQ(generator_options_to_json(back), generator_options_to_json(o));
  EXPECT_EQ(back.value_scales, o.value_scales);
  EXPECT_THROW(generator_options_from_json(nlohmann::json::object()), GeneratorError);
}

}  // namespace
}  // namespace npeps
