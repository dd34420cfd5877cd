#include "dsl/statement_space.h"

namespace npeps {
namespace {

struct Space {
  std::array<Statement, kNumStatements> statements{};
  std::array<int, kNumOperators> first{};  // index of each operator's first statement
};

Space build() {
  Space s;
  int n = 0;
  for (int o = 0; o < kNumOperators; ++o) {
    s.first[o] = n;
    const Operator& opr = op(static_cast<OperatorId>(o));
    for (int a = 0; a < kNumSlots; ++a) {
      if (opr.arity == 1) {
        s.statements[n++] = Statement{static_cast<OperatorId>(o), {VarIndex(a), 0}};
        continue;
      }
      for (int b = 0; b < kNumSlots; ++b)
        s.statements[n++] = Statement{static_cast<OperatorId>(o), {VarIndex(a), VarIndex(b)}};
    }
  }
  if (n != kNumStatements) throw std::logic_error("statement space size mismatch");
  return s;
}

const Space& space() {
  static const Space s = build();
  return s;
}

}  // namespace

const std::array<Statement, kNumStatements>& statement_space() { return space().statements; }

std::optional<StatementIndex> statement_index(const Statement& st) {
  if (st.op >= kNumOperators || st.args[0] >= kNumSlots) return std::nullopt;
  const int base = space().first[st.op];
  if (op(st.op).arity == 1) return base + st.args[0];
  if (st.args[1] >= kNumSlots) return std::nullopt;
  return base + st.args[0] * kNumSlots + st.args[1];
}

}  // namespace npeps
