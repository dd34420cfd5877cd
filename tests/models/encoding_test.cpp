#include "models/encoding.h"

#include <gtest/gtest.h>

#include "model_test_util.h"
#include "models/trace.h"

namespace npeps {
namespace {

TEST(Encoding, ValueTokensFollowPCCoder) {
  std::int16_t t[kSlotWidth];
  encode_value(Value::list({-256, 0, 255}), true, t);
  EXPECT_EQ(t[0], 2);
  EXPECT_EQ(t[1], 0);
  EXPECT_EQ(t[2], 256);
  EXPECT_EQ(t[3], 511);
  for (int i = 4; i < kSlotWidth; ++i) EXPECT_EQ(t[i], kPadToken);
  encode_value(Value::integer(-3), true, t);
  EXPECT_EQ(t[0], 1);
  EXPECT_EQ(t[1], 253);
  EXPECT_EQ(t[2], kPadToken);
  encode_value(Value::integer(7), false, t);  // unoccupied slot: NULL
  EXPECT_EQ(t[0], 0);
  EXPECT_EQ(t[1], kPadToken);
  encode_value(Value::null(), true, t);
  EXPECT_EQ(t[0], 0);
  EXPECT_EQ(t[20], kPadToken);
}

TEST(Encoding, StateLayoutIsExampleSlotToken) {
  const Task task = test::make_task("LIST|INT|TAKE,1,0|SORT,0", 2, 5);
  const TaskTrace tr = build_trace(*task.program, task.examples);
  std::vector<std::int16_t> buf(3 * kStateWidth, -1);
  encode_state(tr.state(1), 3, buf.data());  // one padding example
  for (int e = 0; e < 2; ++e) {
    const std::int16_t* ex = buf.data() + e * kStateWidth;
    EXPECT_EQ(ex[0 * kSlotWidth], 2);  // slot 0: the LIST input
    EXPECT_EQ(ex[1 * kSlotWidth], 1);  // slot 1: the INT input
    EXPECT_EQ(ex[1 * kSlotWidth + 1], task.examples[e].inputs[1].as_int() + 256);
    EXPECT_EQ(ex[2 * kSlotWidth], 2);  // slot 2: TAKE's result
    EXPECT_EQ(ex[3 * kSlotWidth], 0);  // slot 3: empty
    const Value& out = task.examples[e].output;
    EXPECT_EQ(ex[kNumSlots * kSlotWidth], 2);
    for (int i = 0; i < out.size; ++i)
      EXPECT_EQ(ex[kNumSlots * kSlotWidth + 1 + i], out.data[i] + 256);
  }
  for (int v = 0; v < kStateVars; ++v) EXPECT_EQ(buf[2 * kStateWidth + v * kSlotWidth], 0);

  EncodedBatch b;
  const std::vector<PartialProgram> states = {tr.state(0), tr.state(1)};
  encode_batch(states, b);
  EXPECT_EQ(b.batch, 2);
  EXPECT_EQ(b.examples, 2);
  ASSERT_EQ(b.tokens.size(), 2u * 2 * kStateWidth);
  EXPECT_TRUE(
      std::equal(buf.begin(), buf.begin() + 2 * kStateWidth, b.tokens.begin() + 2 * kStateWidth));
  EXPECT_EQ(b.example_count, (std::vector<std::int16_t>{2, 2}));
}

}  // namespace
}  // namespace npeps
