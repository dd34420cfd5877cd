// Selection of kept programs by running operator counts, behind
// GeneratorOptions::balanced. The random walk proposes a uniform function
// and then a uniform lambda, but type feasibility, example search,
// degeneracy checks and dedup skew what is kept (TAKE, DROP and ACCESS are
// the only consumers of INT values, so every INT input and every INT
// intermediate forces one; FILTER <0 often empties a list). The balancer
// keeps a candidate with probability min(1, g^strength), where g is the
// geometric mean over its statements of target share / kept share so far
// (kept shares smoothed toward the target); the target is every function
// equally often, and within a higher-order function every lambda equally
// often. Programs with under-used operators are always kept, those with
// over-used ones less often, so the kept histogram moves toward the target
// as far as the DSL's types allow. Decisions are deterministic: the draw
// is a hash of (seed, signature) and the counts are those of the programs
// kept before, in the generator's chunk order.
#pragma once

#include <cstdint>

#include "datasets/behaviour.h"
#include "datasets/op_histogram.h"

namespace npeps {

class OpBalancer {
 public:
  // Pseudo-count, in statements, pulling the kept shares toward the target
  // while few programs are kept.
  static constexpr double kPrior = 400.0;

  // strength: the exponent above (GeneratorOptions::balance_strength).
  // prior: the pseudo-count (a shard that sees 1/N of the candidates uses
  // kPrior / N, so its decisions follow the single run's).
  OpBalancer(std::uint64_t seed, double strength, double prior = kPrior);
  // Whether to keep p now. Does not record it; call add() when it is kept.
  bool admits(const Program& p, const Signature& signature) const;
  void add(const Program& p) { kept_.add(p); }
  const OpHistogram& kept() const { return kept_; }

 private:
  std::uint64_t seed_;
  double strength_;
  double prior_;
  OpHistogram kept_;
};

// Target share of operator id: 1/15 per function, split evenly over its lambdas.
double target_share(OperatorId id);

}  // namespace npeps
