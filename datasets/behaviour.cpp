#include "datasets/behaviour.h"

#include <algorithm>

#include "datasets/random.h"
#include "datasets/random_program.h"

namespace npeps {
namespace {

int tuple_code(const std::vector<Type>& types) {
  const int k = static_cast<int>(types.size());
  int bits = 0;
  for (int i = 0; i < k; ++i) bits |= static_cast<int>(types[i] == Type::List) << i;
  return (1 << k) - 2 + bits;
}

// Two differently-mixed 64-bit hashes of one value (kind, size, elements).
inline std::uint64_t value_hash(const Value& v, std::uint64_t mul) {
  std::uint64_t h = (static_cast<std::uint64_t>(v.kind) << 8) ^ (v.is_list() ? v.size + 1u : 0u);
  if (v.is_int()) h = (h ^ static_cast<std::uint16_t>(v.data[0])) * mul;
  if (v.is_list())
    for (int i = 0; i < v.size; ++i) h = (h ^ static_cast<std::uint16_t>(v.data[i])) * mul;
  return h;
}
constexpr std::uint64_t kMulA = 0x100000001b3ull;
constexpr std::uint64_t kMulB = 0x9e3779b97f4a7c15ull;
constexpr std::uint64_t kFailed = 0xfa11edfa11edull;

Behaviour analyse(const Program& p, const ProbeSet& probes, int min_defined, bool checks) {
  const int k = static_cast<int>(p.inputs.size());
  const int nv = p.num_vars();
  const Value* rows = probes.inputs(p.inputs);
  Value vars[kMaxGeneratedVars];
  std::uint64_t var_hash[kMaxGeneratedVars] = {};
  bool var_const[kMaxGeneratedVars];
  Value first[kMaxGeneratedVars];
  std::fill(var_const, var_const + nv, true);

  std::uint64_t a = mix64(0x51 + tuple_code(p.inputs)), b = mix64(a + 1);
  Behaviour r;
  for (int j = 0; j < probes.count(); ++j) {
    std::copy(rows + j * k, rows + (j + 1) * k, vars);
    const EvalStatus st = run_into(p, vars);
    if (st != EvalStatus::Ok) {
      a = mix64(a ^ (kFailed + static_cast<int>(st)));
      b = mix64(b + kFailed * 3 + static_cast<int>(st));
      continue;
    }
    const Value out =
        p.statements.empty() ? Value::null() : vars[nv - 1];  // spec: no statements -> NULL
    a = mix64(a ^ value_hash(out, kMulA));
    b = mix64(b + value_hash(out, kMulB));
    if (!checks) continue;
    for (int v = 0; v < nv; ++v) {
      var_hash[v] = mix64(var_hash[v] ^ value_hash(vars[v], kMulA));
      if (r.defined == 0)
        first[v] = vars[v];
      else if (var_const[v] && vars[v] != first[v])
        var_const[v] = false;
    }
    ++r.defined;
  }
  r.signature = {a, b};
  if (checks && r.defined >= min_defined) {
    r.constant_output = var_const[nv - 1];
    for (int v = k; v < nv && !r.redundant; ++v) {
      if (var_const[v]) r.redundant = true;
      for (int u = 0; u < v && !r.redundant; ++u)
        if (var_hash[u] == var_hash[v]) r.redundant = true;
    }
  }
  return r;
}

}  // namespace

ProbeSet::ProbeSet(const ProbeOptions& opts) : count_(opts.count) {
  static constexpr int kScales[] = {1, 2, 4, 8, 16, 64, 256};
  for (int k = 1; k <= kMaxInputs; ++k) {
    for (int bits = 0; bits < (1 << k); ++bits) {
      const int code = (1 << k) - 2 + bits;
      Rng rng(derive_seed(opts.seed, static_cast<std::uint64_t>(code), 0));
      std::vector<Value>& set = sets_[code];
      set.resize(static_cast<std::size_t>(count_) * k);
      for (int j = 0; j < count_; ++j) {
        for (int i = 0; i < k; ++i) {
          Value& v = set[static_cast<std::size_t>(j) * k + i];
          if (bits >> i & 1) {
            const int s = kScales[(j + i) % 7];
            const int len = uniform_int(rng, 0, kMaxListLength);
            v.kind = Kind::List;
            v.size = static_cast<std::uint8_t>(len);
            for (int e = 0; e < len; ++e)
              v.data[e] = static_cast<std::int16_t>(
                  uniform_int(rng, std::max(-s, kIntMin), std::min(s - 1, kIntMax)));
          } else {
            v = Value::integer(j % 5 == 4 ? uniform_int(rng, -5, 25) : uniform_int(rng, 0, 10));
          }
        }
      }
    }
  }
}

const Value* ProbeSet::inputs(const std::vector<Type>& types) const {
  return sets_[tuple_code(types)].data();
}

Behaviour analyse_behaviour(const Program& p, const ProbeSet& probes, int min_defined) {
  return analyse(p, probes, min_defined, true);
}

Signature behaviour_signature(const Program& p, const ProbeSet& probes) {
  return analyse(p, probes, 0, false).signature;
}

}  // namespace npeps
