#include "search/policy.h"

#include <cmath>

namespace npeps {

void UniformPolicy::evaluate(std::span<const PartialProgram> batch, PolicyOutput& out) {
  out.statement_logprob.assign(batch.size() * kNumStatements,
                               -std::log(static_cast<float>(kNumStatements)));
  out.drop_logit.assign(batch.size() * kNumSlots, 0.0f);
}

}  // namespace npeps
