// The one-pass Adam step (models/fused_adam.h) against torch::optim::Adam.
#include "models/fused_adam.h"

#include <gtest/gtest.h>

namespace npeps {
namespace {

// `to` starts from `from`'s weights, so two optimizers can be compared.
void copy_weights(const torch::nn::Linear& from, torch::nn::Linear& to) {
  torch::NoGradGuard g;
  to->weight.copy_(from->weight);
  to->bias.copy_(from->bias);
}

TEST(FusedAdam, MatchesTorchAdamOverSeveralSteps) {
  torch::manual_seed(3);
  torch::nn::Linear a(7, 5), b(7, 5);
  copy_weights(a, b);
  torch::optim::Adam ta(a->parameters(), torch::optim::AdamOptions(0.01));
  torch::optim::Adam fa(b->parameters(), torch::optim::AdamOptions(0.01));
  for (int step = 0; step < 20; ++step) {
    const torch::Tensor x = torch::randn({9, 7});
    ta.zero_grad();
    fa.zero_grad();
    a(x).pow(2).sum().backward();
    b(x).pow(2).sum().backward();
    ta.step();
    fused_adam_step(fa);
  }
  EXPECT_LT((a->weight - b->weight).abs().max().item<float>(), 1e-5);
  EXPECT_LT((a->bias - b->bias).abs().max().item<float>(), 1e-5);
  // The state is torch's own: same step count and moments.
  const auto key = c10::guts::to_string(b->weight.unsafeGetTensorImpl());
  const auto& s = static_cast<const torch::optim::AdamParamState&>(*fa.state().at(key));
  EXPECT_EQ(s.step(), 20);
  const auto& t = static_cast<const torch::optim::AdamParamState&>(
      *ta.state().at(c10::guts::to_string(a->weight.unsafeGetTensorImpl())));
  const float scale = t.exp_avg_sq().abs().max().item<float>();
  // float rounding differs (one fused expression), and 20 steps compound it
  EXPECT_LT((s.exp_avg_sq() - t.exp_avg_sq()).abs().max().item<float>() / scale, 1e-4);
}

TEST(FusedAdam, ClearedGradientsGiveTheSameStepsAsZeroedOnes) {
  torch::manual_seed(4);
  torch::nn::Linear a(6, 4), b(6, 4);
  copy_weights(a, b);
  torch::optim::Adam za(a->parameters(), torch::optim::AdamOptions(0.01));
  torch::optim::Adam cb(b->parameters(), torch::optim::AdamOptions(0.01));
  for (int step = 0; step < 5; ++step) {
    const torch::Tensor x = torch::randn({8, 6});
    za.zero_grad();
    clear_gradients(cb);
    for (const auto& p : b->parameters()) ASSERT_FALSE(p.grad().defined());
    a(x).pow(2).sum().backward();
    b(x).pow(2).sum().backward();
    fused_adam_step(za);
    fused_adam_step(cb);
  }
  EXPECT_TRUE(torch::equal(a->weight, b->weight));
  EXPECT_TRUE(torch::equal(a->bias, b->bias));
}

}  // namespace
}  // namespace npeps
