#include "datasets/random_program.h"

#include <array>
#include <bit>
#include <cstdint>

namespace npeps {
namespace {

using Mask = std::uint64_t;
static_assert(kMaxGeneratedVars <= 64);

// Operator ids of each function (one for first-order functions).
struct FunctionTable {
  std::array<std::array<OperatorId, 10>, kNumFunctions> ops{};
  std::array<int, kNumFunctions> count{};
  FunctionTable() {
    for (int id = 0; id < kNumOperators; ++id) {
      const int f = static_cast<int>(op(id).function);
      ops[f][count[f]++] = static_cast<OperatorId>(id);
    }
  }
};
const FunctionTable& table() {
  static const FunctionTable t;
  return t;
}

// A uniformly chosen set bit of m (m != 0).
int pick(Rng& rng, Mask m) {
  int r = uniform_int(rng, 0, std::popcount(m) - 1);
  while (r-- > 0) m &= m - 1;
  return std::countr_zero(m);
}

constexpr int kTriesPerStatement = 64;
constexpr int kRestarts = 32;

}  // namespace

bool random_program(Rng& rng, int length, int max_inputs, Program& out) {
  const FunctionTable& t = table();
  for (int restart = 0; restart < kRestarts; ++restart) {
    // An INT input needs its own TAKE/DROP/ACCESS, and each statement
    // consumes at most two variables, so k <= length + 1.
    const int k = uniform_int(rng, 1, std::min(max_inputs, length + 1));
    const int lists = uniform_int(rng, 1, k);
    out.inputs.assign(lists, Type::List);
    out.inputs.resize(k, Type::Int);
    out.statements.clear();
    Mask of_type[2] = {0, 0};  // variables by Type (Int = 0, List = 1)
    for (int i = 0; i < k; ++i) of_type[static_cast<int>(out.inputs[i])] |= Mask{1} << i;
    Mask unused = (Mask{1} << k) - 1;
    bool stuck = false;
    for (int i = 0; i < length && !stuck; ++i) {
      const int n = k + i;
      const int remaining = length - i - 1;
      stuck = true;
      for (int tr = 0; tr < kTriesPerStatement; ++tr) {
        const int f = uniform_int(rng, 0, kNumFunctions - 1);
        const OperatorId id = t.ops[f][uniform_int(rng, 0, t.count[f] - 1)];
        const Operator& o = op(id);
        Statement s;
        s.op = id;
        const Mask m0 = of_type[static_cast<int>(o.args[0])];
        if (o.arity == 1) {
          if (!(m0 & unused)) continue;
          s.args[0] = static_cast<VarIndex>(pick(rng, m0 & unused));
        } else {
          const Mask m1 = of_type[static_cast<int>(o.args[1])];
          if (!m0 || !m1) continue;
          int fresh = uniform_int(rng, 0, 1);  // which argument takes an unused variable
          if (!((fresh ? m1 : m0) & unused)) fresh ^= 1;
          if (!((fresh ? m1 : m0) & unused)) continue;
          s.args[fresh] = static_cast<VarIndex>(pick(rng, (fresh ? m1 : m0) & unused));
          s.args[fresh ^ 1] = static_cast<VarIndex>(pick(rng, fresh ? m0 : m1));
        }
        Mask next = unused & ~(Mask{1} << s.args[0]);
        if (o.arity == 2) next &= ~(Mask{1} << s.args[1]);
        // Feasibility: each later statement but the last adds a variable,
        // so together they consume at most remaining + 1 unused ones, and
        // each takes at most one INT.
        if (remaining > 0) next |= Mask{1} << n;
        if (std::popcount(next) > (remaining > 0 ? remaining + 1 : 0)) continue;
        if (std::popcount(next & of_type[0]) > remaining) continue;
        bool repeated = false;
        for (const Statement& prev : out.statements) repeated |= prev == s;
        if (repeated) continue;
        out.statements.push_back(s);
        of_type[static_cast<int>(o.result)] |= Mask{1} << n;
        unused = next;
        stuck = false;
        break;
      }
    }
    if (!stuck) return true;
  }
  return false;
}

}  // namespace npeps
