// Behaviour signatures: a 128-bit hash of what a program does on a fixed,
// seeded set of probe inputs for its input types (a failing run counts as
// an output). Programs with equal signatures are treated as equivalent,
// which is how the generator deduplicates within a length, across lengths
// and against an excluded split. Also detects degenerate programs: a
// constant output, or a statement whose value repeats an earlier variable
// (so a shorter program does the same).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dsl/program.h"

namespace npeps {

struct Signature {
  std::uint64_t lo = 0;
  std::uint64_t hi = 0;
  friend bool operator==(const Signature&, const Signature&) = default;
};

struct SignatureHash {
  std::size_t operator()(const Signature& s) const {
    return static_cast<std::size_t>(s.lo ^ (s.hi * 0x9e3779b97f4a7c15ull));
  }
};

struct ProbeOptions {
  int count = 256;                       // probe input tuples per input-type signature
  std::uint64_t seed = 0x70726f6265ull;  // fixed: signatures must agree across runs and splits
};

// Canonical random inputs for every input-type tuple of 1..3 inputs (14
// tuples). Lists mix lengths 0..20 with element scales from [-1, 0] up to
// the full range, so programs that need tiny values (SCAN1L *, **2) are
// still defined on many probes; ints are mostly small indices. Immutable
// after construction, so one ProbeSet may be shared by any threads.
class ProbeSet {
 public:
  explicit ProbeSet(const ProbeOptions& opts = {});
  int count() const { return count_; }
  // count() rows of types.size() values each, row-major.
  // Precondition: 1 <= types.size() <= kMaxInputs.
  const Value* inputs(const std::vector<Type>& types) const;

 private:
  int count_;
  std::array<std::vector<Value>, 14> sets_;
};

struct Behaviour {
  Signature signature;           // input types + output/failure on every probe
  int defined = 0;               // probes on which the program runs without failing
  bool constant_output = false;  // >= min_defined defined probes, all with the same output
  // >= min_defined defined probes, and some statement's value is constant
  // or equals an earlier variable's value on every defined probe.
  bool redundant = false;
};

// Runs p on every probe of its input types. min_defined: how many defined
// probes the degeneracy checks need (fewer: both flags stay false).
// Precondition: check(p) passed; p has at most kMaxGeneratedLength statements.
Behaviour analyse_behaviour(const Program& p, const ProbeSet& probes, int min_defined = 16);

// Just the signature (same value as analyse_behaviour(...).signature).
Signature behaviour_signature(const Program& p, const ProbeSet& probes);

}  // namespace npeps
