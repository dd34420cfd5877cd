// The DSL's functions, lambdas and the 38 operators (function + lambda),
// with their signatures and an exact, allocation-free evaluator.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "dsl/value.h"

namespace npeps {

enum class Function : std::uint8_t {
  Head, Tail, Minimum, Maximum, Reverse, Sort, Sum,  // LIST -> INT|LIST
  Take, Drop, Access,                                // INT, LIST -> ...
  Map, Filter, Count, Scan1l, ZipWith,               // higher order
};
inline constexpr int kNumFunctions = 15;

// Lambdas in PCCoder's order; None for first-order functions.
enum class Lambda : std::uint8_t {
  None,
  Plus1, Minus1, Times2, Div2, Neg, Square, Times3, Div3, Times4, Div4,  // INT->INT
  Positive, Negative, Even, Odd,                                          // INT->BOOL
  Add, Sub, Mul, Min, Max,                                                // INT,INT->INT
};
inline constexpr int kNumLambdas = 19;

enum class LambdaKind : std::uint8_t { None, Unary, Predicate, Binary };

// An operator: a function together with its lambda (if any). Its arguments
// are variables only; the lambda is part of the operator.
struct Operator {
  Function function;
  Lambda lambda;
  std::uint8_t arity;          // number of variable arguments: 1 or 2
  std::array<Type, 2> args;    // variable argument types, in signature order
  Type result;
};

inline constexpr int kNumOperators = 38;
using OperatorId = std::uint8_t;

// All 38 operators, ordered: HEAD TAIL MINIMUM MAXIMUM REVERSE SORT SUM
// TAKE DROP ACCESS, MAP x10, FILTER x4, COUNT x4, SCAN1L x5, ZIPWITH x5.
const std::array<Operator, kNumOperators>& operators();
inline const Operator& op(OperatorId id) { return operators()[id]; }

std::string_view function_name(Function f);
std::string_view lambda_name(Lambda l);  // "" for None
LambdaKind lambda_kind(Lambda l);
LambdaKind lambda_kind_of(Function f);   // which lambda kind the function takes
std::optional<Function> function_from_name(std::string_view name);
std::optional<Lambda> lambda_from_name(std::string_view name);
std::optional<OperatorId> find_operator(Function f, Lambda l);
// "MAP,*2"-style display name of an operator ("SORT" for first-order).
std::string operator_name(OperatorId id);

// Outcome of applying an operator on one example.
enum class EvalStatus : std::uint8_t {
  Ok,          // result written (it may be NULL, e.g. HEAD of [])
  NullInput,   // an argument held NULL
  OutOfRange,  // an integer of the result lies outside [-256, 255]
};

// Applies operator `id` to arguments `a` (and `b` for arity 2). Arguments
// must have the operator's types when not NULL (callers type-check
// statically). Writes the result to `out`, which may not alias a or b.
EvalStatus apply(OperatorId id, const Value& a, const Value& b, Value& out);

const char* to_string(EvalStatus s);  // "null input", "out of range", "ok"

}  // namespace npeps
