// The 1,298-statement space the models predict over: every operator with
// every variable slot (0..10) for each argument. Index order: by operator
// id, then first argument slot, then second.
#pragma once

#include <array>
#include <optional>

#include "dsl/program.h"

namespace npeps {

inline constexpr int kNumSlots = 11;  // 3 inputs + 8 statements of memory
inline constexpr int kNumStatements = 1298;

using StatementIndex = int;

// All statements of the space, by index. args are slots in 0..10.
const std::array<Statement, kNumStatements>& statement_space();
inline const Statement& statement_at(StatementIndex i) { return statement_space()[i]; }

// Index of a slot statement; nullopt when an argument slot is > 10 or
// the operator id is invalid. The second argument is ignored for arity 1.
std::optional<StatementIndex> statement_index(const Statement& s);

// Operator of each statement (for the auxiliary operator head).
inline OperatorId operator_of(StatementIndex i) { return statement_at(i).op; }

}  // namespace npeps
