// The cross aggregator's network: shapes, masking, gradients, head
// initialisation and checkpoints. (Includes torch: keep this the only
// aggregator test file that does.)
#include <gtest/gtest.h>

#include <filesystem>

#include "model_test_util.h"
#include "models/checkpoint.h"
#include "models/cross_aggregator_module.h"
#include "models/pccoder_internal.h"

namespace npeps {
namespace {

AggregatorOptions tiny_agg() { return test::tiny_aggregator(); }

// A random batch: B instances, Lq queries, Lk keys, the last `pad` keys of
// instance 0 padded.
AggregatorBatch random_batch(int b, int lq, int lk, int pad, torch::Dtype dt = torch::kFloat) {
  torch::manual_seed(7);
  AggregatorBatch in;
  auto L = torch::TensorOptions().dtype(torch::kLong);
  in.query = torch::randn({b, lq, 16}).to(dt);
  in.query_pos = torch::arange(lq, L).unsqueeze(0).repeat({b, 1});
  in.key = torch::randn({b, lk, 16}).to(dt);
  in.key_pos = torch::randint(0, 5, {b, lk}, L);
  in.value = torch::randint(0, kNumStatements, {b, lk}, L);
  in.value_op = torch::randint(0, kNumOperators, {b, lk}, L);
  in.key_mask = torch::ones({b, lk}, torch::kBool);
  in.key_score = torch::rand({b, lk}).to(dt);
  for (int k = lk - pad; k < lk; ++k) {
    in.key_mask[0][k] = false;
    in.value[0][k] = kNumStatements;
    in.value_op[0][k] = kNumOperators;
  }
  return in;
}

TEST(CrossAggregator, OutputShapesAndAttentionRowsNormalise) {
  CrossAggregatorModule m(tiny_agg());
  m->eval();
  const auto out = m->forward(random_batch(3, 4, 6, 2), true);
  EXPECT_EQ(out.statement.sizes(), (std::vector<int64_t>{3, 4, kNumStatements}));
  EXPECT_EQ(out.op.sizes(), (std::vector<int64_t>{3, 4, kNumOperators}));
  EXPECT_EQ(out.attention.sizes(), (std::vector<int64_t>{3, 2, 4, 6}));
  EXPECT_TRUE(torch::allclose(out.attention.sum(-1), torch::ones({3, 2, 4}), 1e-5, 1e-5));
  // Inference without the operator branch gives the same statement logits.
  const auto s = m->forward(random_batch(3, 4, 6, 2), false);
  EXPECT_FALSE(s.op.defined());
  EXPECT_TRUE(torch::allclose(s.statement, out.statement, 1e-5, 1e-5));
}

TEST(CrossAggregator, PaddedKeysGetZeroWeightAndDoNotMatter) {
  for (bool scores : {false, true}) {
    AggregatorOptions o = tiny_agg();
    o.use_scores = scores;
    CrossAggregatorModule m(o);
    m->eval();
    AggregatorBatch a = random_batch(2, 3, 5, 2);
    const auto out_a = m->forward(a, true);
    const auto w = out_a.attention[0].narrow(-1, 3, 2);
    EXPECT_EQ(w.abs().max().item<float>(), 0.0f);  // exactly zero
    EXPECT_GT(out_a.attention[1].narrow(-1, 3, 2).min().item<float>(), 0.0f);
    // New content in the padded keys: same outputs for instance 0.
    AggregatorBatch b = a;
    b.key = a.key.clone();
    b.key[0].narrow(0, 3, 2).normal_(0, 10);
    b.key_pos = a.key_pos.clone();
    b.key_pos[0][4] = 9;
    b.value = a.value.clone();
    b.value[0][3] = 5;
    b.key_score = a.key_score.clone();
    b.key_score[0][4] = 100;
    const auto out_b = m->forward(b, true);
    EXPECT_TRUE(torch::allclose(out_a.statement[0], out_b.statement[0], 1e-6, 1e-6));
    EXPECT_TRUE(torch::allclose(out_a.op[0], out_b.op[0], 1e-6, 1e-6));
    // ...whereas changing a real key does change them.
    AggregatorBatch c = a;
    c.key = a.key.clone();
    c.key[0][0].normal_(0, 10);
    EXPECT_FALSE(torch::allclose(out_a.statement[0], m->forward(c, true).statement[0], 1e-4, 1e-4));
  }
}

// One set of keys for every instance (the search's case, folded into one
// product per head) gives what each instance gets from its own copy of them.
TEST(CrossAggregator, SharedKeysMatchOneCopyPerInstance) {
  for (bool scores : {false, true}) {
    AggregatorOptions o = tiny_agg();
    o.use_scores = scores;
    CrossAggregatorModule m(o);
    m->eval();
    AggregatorBatch one = random_batch(1, 1, 5, 2);
    AggregatorBatch each = random_batch(4, 3, 5, 0);
    for (torch::Tensor AggregatorBatch::*f :
         {&AggregatorBatch::key, &AggregatorBatch::key_pos, &AggregatorBatch::value,
          &AggregatorBatch::value_op, &AggregatorBatch::key_mask, &AggregatorBatch::key_score}) {
      std::vector<int64_t> reps(static_cast<std::size_t>((one.*f).dim()), 1);
      reps[0] = 4;
      each.*f = (one.*f).repeat(reps);
    }
    AggregatorBatch shared = each;
    for (torch::Tensor AggregatorBatch::*f :
         {&AggregatorBatch::key, &AggregatorBatch::key_pos, &AggregatorBatch::value,
          &AggregatorBatch::value_op, &AggregatorBatch::key_mask, &AggregatorBatch::key_score})
      shared.*f = one.*f;
    const auto a = m->forward(each, true), b = m->forward(shared, true);
    EXPECT_EQ(b.attention.sizes(), a.attention.sizes());
    EXPECT_TRUE(torch::allclose(a.attention, b.attention, 1e-5, 1e-6));
    EXPECT_TRUE(torch::allclose(a.statement, b.statement, 1e-4, 1e-5));
    EXPECT_TRUE(torch::allclose(a.op, b.op, 1e-4, 1e-5));
    EXPECT_EQ(b.attention.narrow(-1, 3, 2).abs().max().item<float>(), 0.0f);  // padded keys
  }
}

TEST(CrossAggregator, GradientsMatchFiniteDifferences) {
  AggregatorOptions o = tiny_agg();
  o.use_scores = true;
  CrossAggregatorModule m(o);
  m->to(torch::kDouble);
  m->eval();
  const AggregatorBatch in = random_batch(2, 3, 4, 1, torch::kDouble);
  torch::manual_seed(3);
  const torch::Tensor ws = torch::randn({2, 3, kNumStatements}, torch::kDouble);
  const torch::Tensor wo = torch::randn({2, 3, kNumOperators}, torch::kDouble);
  auto loss = [&] {
    const auto out = m->forward(in, true);
    return (out.statement * ws).sum() + (out.op * wo).sum();
  };
  m->zero_grad();
  loss().backward();
  const auto params = m->named_parameters();
  int checked = 0;
  for (const char* name :
       {"w_q.weight", "w_k.weight", "w_v.weight", "w_o.weight", "ff_statement1.weight",
        "ff_operator2.bias", "input_norm.weight", "statement_out.bias", "operator_out.weight"}) {
    torch::Tensor p = params[name];
    const torch::Tensor g = p.grad().clone();
    for (int64_t i : {int64_t{0}, p.numel() / 2, p.numel() - 1}) {
      torch::NoGradGuard ng;
      auto flat = p.view({-1});
      const double x = flat[i].item<double>(), eps = 1e-6;
      flat[i] = x + eps;
      const double up = loss().item<double>();
      flat[i] = x - eps;
      const double down = loss().item<double>();
      flat[i] = x;
      const double fd = (up - down) / (2 * eps), ad = g.view({-1})[i].item<double>();
      EXPECT_NEAR(fd, ad, 1e-5 * std::max(1.0, std::abs(ad))) << name << "[" << i << "]";
      ++checked;
    }
  }
  EXPECT_EQ(checked, 27);
  // The value embedding of a real key gets a gradient; the padding row does not.
  const torch::Tensor eg = params["statement_emb.weight"].grad();
  EXPECT_GT(eg[in.value[0][0].item<int64_t>()].abs().sum().item<double>(), 0);
  EXPECT_EQ(eg[kNumStatements].abs().sum().item<double>(), 0);
}

TEST(CrossAggregator, OutputLayersStartFromTheGlobalHeads) {
  PCCoderNet global(test::tiny_net(), 5);
  CrossAggregator ca(tiny_agg(), 2, &global);
  auto& gm = *global.impl().module;
  const auto named = ca.impl().module->named_parameters();
  EXPECT_TRUE(
      torch::equal(named["statement_out.weight"], pccoder_head(gm, "statement_head")->weight));
  EXPECT_TRUE(torch::equal(named["statement_out.bias"], pccoder_head(gm, "statement_head")->bias));
  EXPECT_TRUE(
      torch::equal(named["operator_out.weight"], pccoder_head(gm, "operator_head")->weight));
  AggregatorOptions wide = tiny_agg();
  wide.d_model = 32;
  EXPECT_THROW(CrossAggregator(wide, 2, &global), std::invalid_argument);
}

TEST(CrossAggregator, EmbedMatchesForwardHeads) {
  PCCoderNet net(test::tiny_net(), 9);
  const Task t = test::make_task("LIST|SORT,0|REVERSE,1", 3, 4);
  EncodedBatch enc;
  std::vector<Value> slots(kNumSlots * 3);
  for (int e = 0; e < 3; ++e) slots[e] = t.examples[e].inputs[0];
  std::vector<Value> outs;
  for (const auto& e : t.examples) outs.push_back(e.output);
  PartialProgram p;
  p.num_examples = 3;
  p.slots = slots;
  p.occupied[0] = true;
  p.slot_types[0] = Type::List;
  p.outputs = outs;
  const std::vector<PartialProgram> batch = {p, p};
  encode_batch(batch, enc);
  NetOutput a, b;
  std::vector<float> emb;
  net.forward(enc, a);
  net.embed(enc, emb, &b);
  ASSERT_EQ(emb.size(), 2u * 16);
  ASSERT_EQ(a.statement_logits.size(), b.statement_logits.size());
  for (std::size_t i = 0; i < a.statement_logits.size(); i += 97)
    EXPECT_NEAR(a.statement_logits[i], b.statement_logits[i], 1e-5);
  for (std::size_t i = 0; i < a.drop_logits.size(); ++i)
    EXPECT_NEAR(a.drop_logits[i], b.drop_logits[i], 1e-5);
}

TEST(CrossAggregator, StoredValueCountMatchesTheNetwork) {
  AggregatorOptions other = tiny_agg();
  other.heads = 3;
  other.d_v = 5;
  other.max_positions = 9;
  for (const AggregatorOptions& o : {tiny_agg(), other, AggregatorOptions{}}) {
    const CrossAggregator ca(o, 1);
    EXPECT_EQ(stored_value_count(o),
              ca.num_parameters() + std::int64_t{o.max_positions} * o.d_model);
  }
}

TEST(CrossAggregator, CheckpointRoundTrip) {
  const auto dir = test::temp_dir("aggregator_ckpt");
  const std::string path = (dir / "a.ckpt").string();
  AggregatorOptions o = tiny_agg();
  o.use_scores = true;
  o.key_encoder = KeyEncoder::Global;
  CrossAggregator ca(o, 11);
  AggregatorCheckpoint h;
  h.epoch = 3;
  h.metrics = {{"best_loss", 1.5}};
  save_aggregator(path, ca, h);
  const AggregatorCheckpoint r = read_aggregator_header(path);
  EXPECT_EQ(r.architecture, o);
  EXPECT_EQ(r.epoch, 3);
  EXPECT_DOUBLE_EQ(r.metrics.at("best_loss").get<double>(), 1.5);
  LoadedAggregator l = load_aggregator(path);
  EXPECT_EQ(l.model.options(), o);
  // Same predictions as the saved model.
  AggregatorKeys keys;
  keys.count = 3;
  keys.dim = 16;
  for (int i = 0; i < 3 * 16; ++i) keys.embedding.push_back(0.1f * (i % 7) - 0.3f);
  keys.position = {0, 1, 0};
  keys.statement = {5, 900, 17};
  keys.op = {operator_of(5), operator_of(900), operator_of(17)};
  keys.score = {0.2f, 0.2f, 1.0f};
  std::vector<float> q(2 * 16);
  for (int i = 0; i < 32; ++i) q[i] = 0.05f * i - 0.4f;
  const std::vector<int> depths = {0, 3};
  std::vector<float> a, b;
  ca.set_keys(keys);
  ca.predict(q, depths, a);
  l.model.set_keys(keys);
  l.model.predict(q, depths, b);
  EXPECT_EQ(a, b);
  // float16 storage (shipped files): smaller, predictions within rounding.
  const std::string half = (dir / "h.ckpt").string();
  h.float16 = true;
  save_aggregator(half, ca, h);
  EXPECT_LT(std::filesystem::file_size(half), std::filesystem::file_size(path) * 6 / 10);
  LoadedAggregator lh = load_aggregator(half);
  EXPECT_TRUE(lh.header.float16);
  std::vector<float> c;
  lh.model.set_keys(keys);
  lh.model.predict(q, depths, c);
  ASSERT_EQ(c.size(), a.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(c[i], a[i], 0.02 + 0.01 * std::abs(a[i]));
  // Wrong kinds of files are refused both ways.
  PCCoderNet net(test::tiny_net(), 1);
  const std::string pc = (dir / "p.ckpt").string();
  save_checkpoint(pc, net, CheckpointHeader{});
  EXPECT_THROW(load_aggregator(pc), CheckpointError);
  EXPECT_THROW(load_checkpoint(path), CheckpointError);
  EXPECT_THROW(load_aggregator((dir / "missing").string()), CheckpointError);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace npeps
