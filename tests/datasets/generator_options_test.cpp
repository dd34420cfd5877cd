// The generator's distribution options: example counts, value scales,
// forward sampling, balanced operators and the training mixture.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "datasets/generator.h"
#include "datasets/op_histogram.h"

namespace npeps {
namespace {

GeneratorOptions options(std::vector<int> lengths, std::size_t n, std::uint64_t seed) {
  GeneratorOptions o;
  o.lengths = std::move(lengths);
  o.programs_per_length = n;
  o.seed = seed;
  o.threads = 2;
  return o;
}

bool same_tasks(const std::vector<Task>& a, const std::vector<Task>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (task_to_json(a[i]) != task_to_json(b[i])) return false;
  return true;
}

// Largest |integer| among an example's inputs.
int input_magnitude(const Example& e) {
  int m = 0;
  for (const Value& v : e.inputs) {
    if (v.is_int()) m = std::max(m, std::abs(v.as_int()));
    if (v.is_list())
      for (int i = 0; i < v.size; ++i) m = std::max(m, std::abs(static_cast<int>(v.data[i])));
  }
  return m;
}

TEST(GeneratorOptions, OptionsLeftOffGiveThePlainOutput) {
  const GeneratorOptions plain = options({3, 5}, 40, 21);
  GeneratorOptions off = plain;
  off.min_examples = off.num_examples;  // a range of one count
  off.value_scales = {};
  off.balanced = false;
  EXPECT_TRUE(same_tasks(generate(plain), generate(off)));
}

TEST(GeneratorOptions, ExampleCountsAreDrawnPerTaskWithinTheRange) {
  GeneratorOptions o = options({4}, 150, 3);
  o.min_examples = 2;
  o.num_examples = 5;
  const auto tasks = generate(o);
  ASSERT_EQ(tasks.size(), 150u);
  std::set<std::size_t> counts;
  for (const Task& t : tasks) {
    counts.insert(t.examples.size());
    EXPECT_TRUE(satisfies(*t.program, t.examples)) << t.id;
  }
  EXPECT_EQ(counts, (std::set<std::size_t>{2, 3, 4, 5}));
  o.threads = 1;
  EXPECT_TRUE(same_tasks(tasks, generate(o)));
}

TEST(GeneratorOptions, ForwardSamplingStaysWithinTheScale) {
  GeneratorOptions o = options({1, 2, 3}, 20, 8);
  o.use_constraints = false;
  o.value_scales = {{-50, 50}};
  o.num_examples = 3;
  const auto tasks = generate(o);
  ASSERT_GE(tasks.size(), 40u);
  for (const Task& t : tasks) {
    ASSERT_EQ(t.examples.size(), 3u);
    EXPECT_TRUE(satisfies(*t.program, t.examples)) << t.id;
    for (const Example& e : t.examples) EXPECT_LE(input_magnitude(e), 50) << t.id;
  }
}

TEST(GeneratorOptions, ValueScalesBoundTheInputs) {
  GeneratorOptions o = options({4}, 100, 5);
  const auto plain = generate(o);
  auto share_within = [](const std::vector<Task>& ts, int m) {
    std::size_t in = 0, all = 0;
    for (const Task& t : ts)
      for (const Example& e : t.examples) {
        in += input_magnitude(e) <= m;
        ++all;
      }
    return static_cast<double>(in) / static_cast<double>(all);
  };
  o.value_scales = {{-10, 10}};
  const auto small = generate(o);
  for (const Task& t : small) EXPECT_TRUE(satisfies(*t.program, t.examples)) << t.id;
  // Only an input whose constraint excludes all of [-10, 10] may leave it.
  EXPECT_GT(share_within(small, 10), 0.95);
  EXPECT_GT(share_within(small, 10), share_within(plain, 10));
  o.value_scales = mixed_value_scales();
  const auto mixed = generate(o);
  for (const Task& t : mixed) EXPECT_TRUE(satisfies(*t.program, t.examples)) << t.id;
  EXPECT_GT(share_within(mixed, 10), share_within(plain, 10));
  EXPECT_LT(share_within(mixed, 64), 1.0);  // the large scales are used too
}

TEST(GeneratorOptions, BalancedEvensOutFunctionsAndLambdas) {
  GeneratorOptions o = options({4}, 400, 12);
  const OpHistogram plain = op_histogram(generate(o));
  o.balanced = true;
  const auto tasks = generate(o);
  const OpHistogram balanced = op_histogram(tasks);
  EXPECT_LT(balanced.function_ratio(), plain.function_ratio());
  EXPECT_LT(balanced.worst_lambda_ratio(), plain.worst_lambda_ratio());
  EXPECT_LT(balanced.function_ratio(), 3.0);
  o.threads = 1;
  EXPECT_TRUE(same_tasks(tasks, generate(o)));
}

TEST(GeneratorOptions, TrainingMixtureIsDeterministicAndValid) {
  GeneratorOptions o = options({2, 4}, 60, 77);
  apply_training_mixture(o);
  EXPECT_EQ(o.min_examples, 1);
  EXPECT_EQ(o.num_examples, 5);
  EXPECT_TRUE(o.balanced);
  const auto a = generate(o);
  o.threads = 1;
  EXPECT_TRUE(same_tasks(a, generate(o)));
  for (const Task& t : a) {
    EXPECT_GE(t.examples.size(), 1u);
    EXPECT_LE(t.examples.size(), 5u);
    EXPECT_TRUE(satisfies(*t.program, t.examples)) << t.id;
  }
}

TEST(GeneratorOptions, RejectsBadDistributionOptions) {
  GeneratorOptions o = options({3}, 5, 1);
  o.min_examples = 6;
  EXPECT_THROW(generate(o), GeneratorError);
  o = options({3}, 5, 1);
  o.value_scales = {{-300, 0}};
  EXPECT_THROW(generate(o), GeneratorError);
  o.value_scales = {{5, 4}};
  EXPECT_THROW(generate(o), GeneratorError);
}

}  // namespace
}  // namespace npeps
