// The fast state encoder (models/state_encoder.h) against the network as
// written: same embeddings and same gradients, on batches with repeated and
// empty variables and padding examples.
#include "models/state_encoder.h"

#include <gtest/gtest.h>

#include <random>

#include "models/pccoder_internal.h"
#include "models/var_instances.h"

namespace npeps {
namespace {

// Random states: each (state, example, slot) is empty, a value shared by
// the whole batch (as a task's inputs are), or a fresh random value.
std::pair<torch::Tensor, torch::Tensor> random_batch(int b, int e, std::uint32_t seed) {
  std::mt19937 rng(seed);
  torch::Tensor tokens = torch::full({b, e, kStateVars, kSlotWidth}, kPadToken, torch::kLong);
  torch::Tensor shared = torch::randint(0, kPadToken, {e, kStateVars, kSlotWidth}, torch::kLong);
  auto t = tokens.accessor<int64_t, 4>();
  auto sh = shared.accessor<int64_t, 3>();
  for (int i = 0; i < b; ++i)
    for (int x = 0; x < e; ++x)
      for (int v = 0; v < kStateVars; ++v) {
        const unsigned kind = rng() % 3;
        if (kind == 0) {
          t[i][x][v][0] = 0;  // empty slot: NULL type, all padding
          continue;
        }
        t[i][x][v][0] = 1 + rng() % 2;
        const int len = static_cast<int>(rng() % (kMaxListLength + 1));
        for (int j = 0; j < len; ++j)
          t[i][x][v][1 + j] = kind == 1 ? sh[x][v][1 + j] : static_cast<int64_t>(rng() % kPadToken);
      }
  torch::Tensor counts = torch::randint(1, e + 1, {b}, torch::kLong);
  return {tokens, counts};
}

TEST(VarInstances, SharedAndEmptyVariablesAreEncodedOnce) {
  // 3 states x 2 examples, every variable empty but slot 0, which holds the
  // same value in states 0 and 2.
  torch::Tensor tokens = torch::full({3, 2, kStateVars, kSlotWidth}, kPadToken, torch::kLong);
  tokens.select(3, 0).fill_(0);
  for (int s : {0, 1, 2}) {
    tokens[s][0][0][0] = 2;
    tokens[s][0][0][1] = s == 1 ? 7 : 9;
  }
  torch::Tensor counts = torch::tensor({1, 2, 1}, torch::kLong);
  VarInstances vi;
  build_var_instances(tokens.data_ptr<int64_t>(), counts.data_ptr<int64_t>(), 3, 2, vi);
  EXPECT_EQ(vi.rows, 4);  // padding examples left out
  // Slot 0: value 9, value 7, and the empty one (state 1's second example).
  EXPECT_EQ(vi.slot_start[1] - vi.slot_start[0], 3);
  for (int v = 1; v < kStateVars; ++v) EXPECT_EQ(vi.slot_start[v + 1] - vi.slot_start[v], 1);
  EXPECT_EQ(vi.row_instances[0], vi.row_instances[3 * kStateVars]);  // states 0 and 2 share it
  EXPECT_NE(vi.row_instances[0], vi.row_instances[1 * kStateVars]);
  EXPECT_EQ((std::vector<int64_t>{0, 1, 1, 2}), vi.row_state);
}

TEST(VarInstances, IdsFollowFirstAppearanceWhateverTheHash) {
  // 4 states x 1 example; slot 0 holds values 5, 3, 5, 8: ids 0, 1, 0, 2.
  torch::Tensor tokens = torch::full({4, 1, kStateVars, kSlotWidth}, kPadToken, torch::kLong);
  tokens.select(3, 0).fill_(0);
  const int64_t values[] = {5, 3, 5, 8};
  for (int s = 0; s < 4; ++s) {
    tokens[s][0][0][0] = 1;
    tokens[s][0][0][1] = values[s];
  }
  torch::Tensor counts = torch::ones({4}, torch::kLong);
  VarInstances vi;
  build_var_instances(tokens.data_ptr<int64_t>(), counts.data_ptr<int64_t>(), 4, 1, vi);
  std::vector<int64_t> slot0;
  for (int r = 0; r < 4; ++r) slot0.push_back(vi.row_instances[r * kStateVars]);
  EXPECT_EQ((std::vector<int64_t>{0, 1, 0, 2}), slot0);
  EXPECT_EQ(3, vi.slot_start[1]);
  // Instance 1's value row: token 3 at list position 0.
  EXPECT_EQ(3 * kMaxListLength, vi.table_rows[1 * kSlotWidth + 1]);
}

TEST(VarInstances, Int16TokensGiveTheSameInstancesAsInt64) {
  auto [tokens, counts] = random_batch(16, 5, 3);
  const torch::Tensor short_tokens = tokens.to(torch::kShort);
  VarInstances a, b;
  build_var_instances(tokens.data_ptr<int64_t>(), counts.data_ptr<int64_t>(), 16, 5, a);
  build_var_instances(short_tokens.data_ptr<int16_t>(), counts.data_ptr<int64_t>(), 16, 5, b);
  EXPECT_EQ(a.rows, b.rows);
  EXPECT_EQ(a.slot_start, b.slot_start);
  EXPECT_EQ(a.row_instances, b.row_instances);
  EXPECT_EQ(a.table_rows, b.table_rows);
  EXPECT_EQ(a.row_state, b.row_state);
  EXPECT_GT(a.instances(), kStateVars);  // the batch has shared and distinct variables
  EXPECT_LT(a.instances(), a.rows * kStateVars);
}

TEST(StateEncoder, Int16AndInt64TokensGiveTheSameStates) {
  torch::manual_seed(4);
  NetOptions o;
  PCCoderModule m(o);
  auto [tokens, counts] = random_batch(8, 5, 9);
  torch::NoGradGuard g;
  const torch::Tensor a = pccoder_embedding(*m, o, tokens, counts);
  const torch::Tensor b = pccoder_embedding(*m, o, tokens.to(torch::kShort), counts);
  EXPECT_TRUE(torch::equal(a, b));
}

class StateEncoderTest : public ::testing::TestWithParam<int> {};

TEST_P(StateEncoderTest, MatchesTheNetworkAsWrittenWithGradients) {
  const int dense_layers = GetParam();
  NetOptions o;
  o.dense_layers = dense_layers;
  torch::manual_seed(5);
  PCCoderModule fast(o), slow(o);
  {
    torch::NoGradGuard g;
    auto fp = fast->parameters(), sp = slow->parameters();
    for (std::size_t i = 0; i < fp.size(); ++i) sp[i].copy_(fp[i]);
  }
  auto [tokens, counts] = random_batch(24, 5, 11);
  const torch::Tensor weights = torch::randn({24, o.hidden_dim});
  const torch::Tensor a = pccoder_embedding(*fast, o, tokens, counts);
  const torch::Tensor b = pccoder_embedding_reference(*slow, o, tokens, counts);
  ASSERT_EQ(a.sizes(), b.sizes());
  EXPECT_LT((a - b).abs().max().item<float>(), 1e-4);
  (a * weights).sum().backward();
  (b * weights).sum().backward();
  auto fp = fast->named_parameters(), sp = slow->named_parameters();
  int checked = 0;
  for (const auto& item : fp) {
    const torch::Tensor& gf = item.value().grad();
    const torch::Tensor& gs = sp[item.key()].grad();
    if (!gs.defined()) continue;  // heads: not part of the embedding
    ASSERT_TRUE(gf.defined()) << item.key();
    const float scale = std::max(1.0f, gs.abs().max().item<float>());
    EXPECT_LT((gf - gs).abs().max().item<float>() / scale, 1e-4) << item.key();
    ++checked;
  }
  EXPECT_EQ(checked, 1 + 2 + 2 * dense_layers);  // embedding weight, encoder and dense layers
}

// Without gradients the encoder keeps the rearranged (packed) weights
// between calls: the result must be the one with gradients, and follow a
// change of the parameters.
TEST(StateEncoder, InferenceCacheFollowsTheParameters) {
  NetOptions o;
  torch::manual_seed(6);
  PCCoderModule m(o);
  auto [tokens, counts] = random_batch(16, 5, 12);
  auto without_grad = [&] {
    torch::NoGradGuard g;
    return pccoder_embedding(*m, o, tokens, counts);
  };
  const torch::Tensor with_grad = pccoder_embedding(*m, o, tokens, counts).detach();
  const torch::Tensor cached = without_grad();
  EXPECT_LT((cached - with_grad).abs().max().item<float>(), 1e-5);
  EXPECT_TRUE(without_grad().equal(cached));  // the cache itself gives the same
  {
    torch::NoGradGuard g;
    m->named_parameters()["dense3.weight"].add_(0.05);
  }
  const torch::Tensor changed = without_grad();
  const torch::Tensor expected = pccoder_embedding(*m, o, tokens, counts).detach();
  EXPECT_GT((changed - cached).abs().max().item<float>(), 1e-3);
  EXPECT_LT((changed - expected).abs().max().item<float>(), 1e-5);
}

INSTANTIATE_TEST_SUITE_P(DenseDepths, StateEncoderTest, ::testing::Values(2, 10));

}  // namespace
}  // namespace npeps
