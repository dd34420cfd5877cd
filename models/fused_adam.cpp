#include "models/fused_adam.h"

#include <cmath>
#include <memory>

namespace npeps {
namespace {

// p -= step_size * m / (sqrt(v) / sqrt(bc2) + eps), after the moment updates.
void adam_loop(float* p, const float* g, float* m, float* v, std::int64_t n, float beta1,
               float beta2, float step_size, float inv_sqrt_bc2, float eps) {
  const float a1 = 1 - beta1, a2 = 1 - beta2;
  for (std::int64_t i = 0; i < n; ++i) {
    const float gi = g[i];
    const float mi = m[i] * beta1 + gi * a1;
    const float vi = v[i] * beta2 + gi * gi * a2;
    m[i] = mi;
    v[i] = vi;
    p[i] -= step_size * mi / (std::sqrt(vi) * inv_sqrt_bc2 + eps);
  }
}

}  // namespace

void fused_adam_step(torch::optim::Adam& adam) {
  for (auto& group : adam.param_groups()) {
    const auto& o = static_cast<const torch::optim::AdamOptions&>(group.options());
    if (o.weight_decay() != 0 || o.amsgrad()) return static_cast<void>(adam.step());
    for (const auto& p : group.params())
      if (p.grad().defined() && (!p.is_cpu() || p.scalar_type() != torch::kFloat ||
                                 !p.is_contiguous() || !p.grad().is_contiguous()))
        return static_cast<void>(adam.step());
  }
  torch::NoGradGuard no_grad;
  for (auto& group : adam.param_groups()) {
    const auto& o = static_cast<const torch::optim::AdamOptions&>(group.options());
    const float beta1 = static_cast<float>(std::get<0>(o.betas()));
    const float beta2 = static_cast<float>(std::get<1>(o.betas()));
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      const std::string key = c10::guts::to_string(p.unsafeGetTensorImpl());
      auto& states = adam.state();
      auto it = states.find(key);
      if (it == states.end()) {
        auto s = std::make_unique<torch::optim::AdamParamState>();
        s->step(0);
        s->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        s->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        it = states.insert({key, std::move(s)}).first;
      }
      auto& s = static_cast<torch::optim::AdamParamState&>(*it->second);
      s.step(s.step() + 1);
      const double bc1 = 1 - std::pow(std::get<0>(o.betas()), s.step());
      const double bc2 = 1 - std::pow(std::get<1>(o.betas()), s.step());
      adam_loop(p.data_ptr<float>(), p.grad().data_ptr<float>(), s.exp_avg().data_ptr<float>(),
                s.exp_avg_sq().data_ptr<float>(), p.numel(), beta1, beta2,
                static_cast<float>(o.lr() / bc1), static_cast<float>(1 / std::sqrt(bc2)),
                static_cast<float>(o.eps()));
      p.unsafeGetTensorImpl()->bump_version();  // written through its pointer: caches must see it
    }
  }
}

void clear_gradients(torch::optim::Optimizer& optimizer) {
  for (auto& group : optimizer.param_groups())
    for (auto& p : group.params()) p.mutable_grad().reset();
}

}  // namespace npeps
