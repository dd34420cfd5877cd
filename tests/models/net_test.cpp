#include <gtest/gtest.h>

#include <cmath>

#include "model_test_util.h"
#include "models/pccoder_net.h"
#include "models/pccoder_trainer.h"
#include "models/trace.h"

namespace npeps {
namespace {

// PCCoder's parameter count from its sizes (embedding, variable encoder,
// dense block, three heads).
std::int64_t expected_parameters(const NetOptions& o) {
  auto linear = [](std::int64_t in, std::int64_t out) { return in * out + out; };
  std::int64_t n = static_cast<std::int64_t>(kNumValueTokens) * o.embedding_dim;
  n += linear(kMaxListLength * o.embedding_dim + 2, o.var_encoder_dim);
  const std::int64_t in = static_cast<std::int64_t>(o.var_encoder_dim) * kStateVars;
  for (int i = 0; i + 1 < o.dense_layers; ++i) n += linear(in + i * o.dense_growth, o.dense_growth);
  n += linear(in + (o.dense_layers - 1) * o.dense_growth, o.hidden_dim);
  return n + linear(o.hidden_dim, kNumStatements) + linear(o.hidden_dim, kNumSlots) +
         linear(o.hidden_dim, kNumOperators);
}

std::vector<TaskTrace> sample_traces(int num_examples) {
  std::vector<TaskTrace> out;
  std::uint64_t seed = 11;
  for (const std::string& p : test::sample_programs()) {
    const Task t = test::make_task(p, num_examples, seed++);
    out.push_back(build_trace(*t.program, t.examples));
  }
  return out;
}

TEST(PCCoderNet, DefaultSizeIsPCCoders) {
  const PCCoderNet net;
  EXPECT_EQ(net.num_parameters(), expected_parameters(NetOptions{}));
  EXPECT_GT(net.num_parameters(), 1'100'000);
  EXPECT_LT(net.num_parameters(), 1'200'000);
  const PCCoderNet tiny(test::tiny_net());
  EXPECT_EQ(tiny.num_parameters(), expected_parameters(test::tiny_net()));
}

TEST(PCCoderNet, ForwardShapes) {
  PCCoderNet net(test::tiny_net(), 3);
  const auto traces = sample_traces(5);
  std::vector<PartialProgram> states;
  for (const auto& tr : traces) states.push_back(tr.state(0));
  EncodedBatch b;
  encode_batch(states, b);
  NetOutput out;
  net.forward(b, out);
  EXPECT_EQ(out.batch, static_cast<int>(states.size()));
  EXPECT_EQ(out.statement_logits.size(), states.size() * kNumStatements);
  EXPECT_EQ(out.drop_logits.size(), states.size() * kNumSlots);
  EXPECT_EQ(out.operator_logits.size(), states.size() * kNumOperators);
  for (float x : out.statement_logits) ASSERT_TRUE(std::isfinite(x));
}

TEST(PCCoderNet, PaddedExamplesAreMaskedOut) {
  PCCoderNet net(test::tiny_net(), 4);
  const auto wide = sample_traces(5);
  const auto narrow = sample_traces(2);
  NetOutput alone, mixed;
  EncodedBatch b;
  const std::vector<PartialProgram> one = {narrow[0].state(1)};
  encode_batch(one, b);
  net.forward(b, alone);
  const std::vector<PartialProgram> both = {wide[0].state(1), narrow[0].state(1)};
  encode_batch(both, b);
  EXPECT_EQ(b.examples, 5);
  net.forward(b, mixed);
  for (int i = 0; i < kNumStatements; ++i)
    ASSERT_NEAR(mixed.statement_logits[kNumStatements + i], alone.statement_logits[i], 1e-4);
  // And the wide state's row differs from the narrow one's.
  bool differs = false;
  for (int i = 0; i < kNumStatements; ++i)
    differs |= std::abs(mixed.statement_logits[i] - alone.statement_logits[i]) > 1e-4;
  EXPECT_TRUE(differs);
}

TEST(Learner, LossDecreasesOnAFixedBatch) {
  const auto traces = sample_traces(5);
  StateSet set(5);
  for (const auto& tr : traces) set.add(tr);
  ASSERT_GT(set.size(), 10u);
  std::vector<std::int64_t> all(set.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::int64_t>(i);
  Learner learner(PCCoderNet(test::tiny_net(), 5), LearnerOptions{1e-2});
  const LossStats before = learner.evaluate(set);
  LossStats last;
  for (int i = 0; i < 30; ++i) last = learner.step(set, all);
  const LossStats after = learner.evaluate(set);
  EXPECT_EQ(learner.steps(), 30);
  EXPECT_EQ(after.states, set.size());
  EXPECT_NEAR(before.total, before.statement + before.drop + before.op, 1e-6);
  EXPECT_LT(after.total, 0.6 * before.total)
      << "before " << before.total << " after " << after.total;
  EXPECT_LT(after.statement, before.statement);
  EXPECT_LT(after.drop, before.drop);
  EXPECT_LT(after.op, before.op);
  EXPECT_GT(after.statement_acc, before.statement_acc);
}

}  // namespace
}  // namespace npeps
