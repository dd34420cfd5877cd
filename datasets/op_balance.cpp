#include "datasets/op_balance.h"

#include <cmath>

#include "datasets/random.h"

namespace npeps {
double target_share(OperatorId id) {
  const Function f = op(id).function;
  int lambdas = 0;
  for (const Operator& o : operators()) lambdas += o.function == f;
  return 1.0 / (kNumFunctions * lambdas);
}

OpBalancer::OpBalancer(std::uint64_t seed, double strength, double prior)
    : seed_(seed), strength_(strength), prior_(prior) {}

bool OpBalancer::admits(const Program& p, const Signature& signature) const {
  if (p.statements.empty()) return true;
  double log_ratio = 0;
  const double total = static_cast<double>(kept_.statements) + prior_;
  for (const Statement& s : p.statements) {
    const double target = target_share(s.op);
    const double kept = (static_cast<double>(kept_.ops[s.op]) + prior_ * target) / total;
    log_ratio += std::log(target / kept);
  }
  const double log_accept = strength_ * log_ratio / static_cast<double>(p.statements.size());
  if (log_accept >= 0) return true;
  const std::uint64_t h = mix64(mix64(seed_ ^ signature.lo) ^ signature.hi);
  const double u = static_cast<double>(h >> 11) * 0x1.0p-53;
  return u < std::exp(log_accept);
}

}  // namespace npeps
