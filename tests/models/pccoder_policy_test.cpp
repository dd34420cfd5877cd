#include "models/pccoder_policy.h"

#include <gtest/gtest.h>

#include <cmath>

#include "model_test_util.h"
#include "models/checkpoint.h"
#include "models/trace.h"

namespace npeps {
namespace {

TEST(PCCoderPolicy, ScoresMatchTheNetworkAndNormalise) {
  const auto dir = test::temp_dir("policy");
  const std::string path = (dir / "p.ckpt").string();
  PCCoderNet net(test::tiny_net(), 8);
  save_checkpoint(path, net, CheckpointHeader{});

  const Task a = test::make_task("LIST|FILTER,EVEN,0|MAP,/2,1|SORT,2|TAIL,3", 5, 1);
  const Task b = test::make_task("INT|LIST|TAKE,0,1|SUM,2", 1, 2);
  const TaskTrace ta = build_trace(*a.program, a.examples),
                  tb = build_trace(*b.program, b.examples);
  const std::vector<PartialProgram> batch = {ta.state(0), ta.state(2), tb.state(1)};

  std::unique_ptr<Policy> policy = load_policy(path, 1);
  PolicyOutput out;
  policy->evaluate(batch, out);
  ASSERT_EQ(out.statement_logprob.size(), batch.size() * kNumStatements);
  ASSERT_EQ(out.drop_logit.size(), batch.size() * kNumSlots);

  EncodedBatch enc;
  encode_batch(batch, enc);
  NetOutput raw;
  net.forward(enc, raw);
  for (std::size_t r = 0; r < batch.size(); ++r) {
    double z = 0;
    for (int i = 0; i < kNumStatements; ++i)
      z += std::exp(out.statement_logprob[r * kNumStatements + i]);
    EXPECT_NEAR(z, 1.0, 1e-4);
    // log-softmax preserves differences of logits.
    const std::size_t o = r * kNumStatements;
    for (int i : {1, 77, 1297})
      EXPECT_NEAR(out.statement_logprob[o + i] - out.statement_logprob[o],
                  raw.statement_logits[o + i] - raw.statement_logits[o], 1e-4);
    for (int s = 0; s < kNumSlots; ++s)
      EXPECT_NEAR(out.drop_logit[r * kNumSlots + s], raw.drop_logits[r * kNumSlots + s], 1e-5);
  }
  // Rows are not all alike, and an empty batch is fine.
  EXPECT_NE(out.statement_logprob[0], out.statement_logprob[2 * kNumStatements]);
  policy->evaluate({}, out);
  EXPECT_TRUE(out.statement_logprob.empty());
  std::filesystem::remove_all(dir);
}

TEST(PCCoderPolicy, LoadPolicyReportsBadFiles) {
  EXPECT_THROW(load_policy("/nonexistent/model.ckpt", 1), CheckpointError);
}

}  // namespace
}  // namespace npeps
