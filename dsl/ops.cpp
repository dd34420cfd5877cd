#include "dsl/ops.h"

#include <algorithm>
#include <string>

namespace npeps {
namespace {

constexpr std::array<std::string_view, kNumFunctions> kFunctionNames = {
    "HEAD", "TAIL", "MINIMUM", "MAXIMUM", "REVERSE", "SORT",   "SUM",     "TAKE",
    "DROP", "ACCESS", "MAP",   "FILTER",  "COUNT",   "SCAN1L", "ZIPWITH"};

std::array<Operator, kNumOperators> build_operators() {
  std::array<Operator, kNumOperators> ops{};
  int n = 0;
  auto add = [&](Function f, Lambda l, int arity, Type a0, Type a1, Type r) {
    ops[n++] = Operator{f, l, static_cast<std::uint8_t>(arity), {a0, a1}, r};
  };
  const Type I = Type::Int, L = Type::List;
  add(Function::Head, Lambda::None, 1, L, L, I);
  add(Function::Tail, Lambda::None, 1, L, L, I);
  add(Function::Minimum, Lambda::None, 1, L, L, I);
  add(Function::Maximum, Lambda::None, 1, L, L, I);
  add(Function::Reverse, Lambda::None, 1, L, L, L);
  add(Function::Sort, Lambda::None, 1, L, L, L);
  add(Function::Sum, Lambda::None, 1, L, L, I);
  add(Function::Take, Lambda::None, 2, I, L, L);
  add(Function::Drop, Lambda::None, 2, I, L, L);
  add(Function::Access, Lambda::None, 2, I, L, I);
  for (int l = int(Lambda::Plus1); l <= int(Lambda::Div4); ++l) add(Function::Map, Lambda(l), 1, L, L, L);
  for (int l = int(Lambda::Positive); l <= int(Lambda::Odd); ++l) add(Function::Filter, Lambda(l), 1, L, L, L);
  for (int l = int(Lambda::Positive); l <= int(Lambda::Odd); ++l) add(Function::Count, Lambda(l), 1, L, L, I);
  for (int l = int(Lambda::Add); l <= int(Lambda::Max); ++l) add(Function::Scan1l, Lambda(l), 1, L, L, L);
  for (int l = int(Lambda::Add); l <= int(Lambda::Max); ++l) add(Function::ZipWith, Lambda(l), 2, L, L, L);
  return ops;
}

// Lambda bodies in int64 (inputs are in range, so nothing overflows).
inline std::int64_t unary(Lambda l, std::int64_t x) {
  switch (l) {
    case Lambda::Plus1: return x + 1;
    case Lambda::Minus1: return x - 1;
    case Lambda::Times2: return x * 2;
    case Lambda::Div2: return x / 2;  // C++ truncates toward zero, as the spec asks
    case Lambda::Neg: return -x;
    case Lambda::Square: return x * x;
    case Lambda::Times3: return x * 3;
    case Lambda::Div3: return x / 3;
    case Lambda::Times4: return x * 4;
    case Lambda::Div4: return x / 4;
    default: return 0;
  }
}

inline bool predicate(Lambda l, std::int64_t x) {
  switch (l) {
    case Lambda::Positive: return x > 0;
    case Lambda::Negative: return x < 0;
    case Lambda::Even: return x % 2 == 0;
    case Lambda::Odd: return x % 2 != 0;  // true for negative odd numbers too
    default: return false;
  }
}

inline std::int64_t binary(Lambda l, std::int64_t x, std::int64_t y) {
  switch (l) {
    case Lambda::Add: return x + y;
    case Lambda::Sub: return x - y;
    case Lambda::Mul: return x * y;
    case Lambda::Min: return std::min(x, y);
    case Lambda::Max: return std::max(x, y);
    default: return 0;
  }
}

// Python slice bound for xs[:n] / xs[n:].
inline int slice_index(int n, int len) {
  if (n < 0) n += len;
  return std::clamp(n, 0, len);
}

inline EvalStatus set_int(Value& out, std::int64_t x) {
  if (!in_range(x)) return EvalStatus::OutOfRange;
  out.kind = Kind::Int;
  out.size = 0;
  out.data[0] = static_cast<std::int16_t>(x);
  return EvalStatus::Ok;
}

inline void set_list_from(Value& out, const std::int16_t* xs, int n) {
  out.kind = Kind::List;
  out.size = static_cast<std::uint8_t>(n);
  std::copy(xs, xs + n, out.data);
}

}  // namespace

const std::array<Operator, kNumOperators>& operators() {
  static const std::array<Operator, kNumOperators> ops = build_operators();
  return ops;
}

std::string_view function_name(Function f) { return kFunctionNames[static_cast<int>(f)]; }

std::string_view lambda_name(Lambda l) {
  static constexpr std::array<std::string_view, kNumLambdas + 1> names = {
      "",   "+1", "-1",   "*2",  "/2", "*-1", "**2", "*3", "/3",  "*4",
      "/4", ">0", "<0", "EVEN", "ODD", "+",  "-",   "*",  "min", "max"};
  return names[static_cast<int>(l)];
}

LambdaKind lambda_kind(Lambda l) {
  if (l == Lambda::None) return LambdaKind::None;
  if (l <= Lambda::Div4) return LambdaKind::Unary;
  if (l <= Lambda::Odd) return LambdaKind::Predicate;
  return LambdaKind::Binary;
}

LambdaKind lambda_kind_of(Function f) {
  switch (f) {
    case Function::Map: return LambdaKind::Unary;
    case Function::Filter:
    case Function::Count: return LambdaKind::Predicate;
    case Function::Scan1l:
    case Function::ZipWith: return LambdaKind::Binary;
    default: return LambdaKind::None;
  }
}

std::optional<Function> function_from_name(std::string_view name) {
  for (int i = 0; i < kNumFunctions; ++i)
    if (kFunctionNames[i] == name) return Function(i);
  return std::nullopt;
}

std::optional<Lambda> lambda_from_name(std::string_view name) {
  for (int i = 1; i <= kNumLambdas; ++i)
    if (lambda_name(Lambda(i)) == name) return Lambda(i);
  return std::nullopt;
}

std::optional<OperatorId> find_operator(Function f, Lambda l) {
  const auto& ops = operators();
  for (int i = 0; i < kNumOperators; ++i)
    if (ops[i].function == f && ops[i].lambda == l) return static_cast<OperatorId>(i);
  return std::nullopt;
}

std::string operator_name(OperatorId id) {
  const Operator& o = op(id);
  std::string s(function_name(o.function));
  if (o.lambda != Lambda::None) {
    s += ',';
    s += lambda_name(o.lambda);
  }
  return s;
}

const char* to_string(EvalStatus s) {
  switch (s) {
    case EvalStatus::Ok: return "ok";
    case EvalStatus::NullInput: return "null input";
    case EvalStatus::OutOfRange: return "out of range";
  }
  return "?";
}

EvalStatus apply(OperatorId id, const Value& a, const Value& b, Value& out) {
  const Operator& o = operators()[id];
  if (a.is_null() || (o.arity == 2 && b.is_null())) return EvalStatus::NullInput;
  const Lambda l = o.lambda;
  switch (o.function) {
    case Function::Head:
      if (a.size == 0) return out = Value::null(), EvalStatus::Ok;
      return set_int(out, a.data[0]);
    case Function::Tail:
      if (a.size == 0) return out = Value::null(), EvalStatus::Ok;
      return set_int(out, a.data[a.size - 1]);
    case Function::Minimum:
      if (a.size == 0) return out = Value::null(), EvalStatus::Ok;
      return set_int(out, *std::min_element(a.data, a.data + a.size));
    case Function::Maximum:
      if (a.size == 0) return out = Value::null(), EvalStatus::Ok;
      return set_int(out, *std::max_element(a.data, a.data + a.size));
    case Function::Reverse:
      out.kind = Kind::List;
      out.size = a.size;
      std::reverse_copy(a.data, a.data + a.size, out.data);
      return EvalStatus::Ok;
    case Function::Sort:
      set_list_from(out, a.data, a.size);
      std::sort(out.data, out.data + out.size);
      return EvalStatus::Ok;
    case Function::Sum: {
      std::int64_t s = 0;
      for (int i = 0; i < a.size; ++i) s += a.data[i];
      return set_int(out, s);
    }
    case Function::Take: {
      const int k = slice_index(a.data[0], b.size);
      set_list_from(out, b.data, k);
      return EvalStatus::Ok;
    }
    case Function::Drop: {
      const int k = slice_index(a.data[0], b.size);
      set_list_from(out, b.data + k, b.size - k);
      return EvalStatus::Ok;
    }
    case Function::Access: {
      const int n = a.data[0];
      if (n < 0 || n >= b.size) return out = Value::null(), EvalStatus::Ok;
      return set_int(out, b.data[n]);
    }
    case Function::Map:
      out.kind = Kind::List;
      out.size = a.size;
      for (int i = 0; i < a.size; ++i) {
        const std::int64_t y = unary(l, a.data[i]);
        if (!in_range(y)) return EvalStatus::OutOfRange;
        out.data[i] = static_cast<std::int16_t>(y);
      }
      return EvalStatus::Ok;
    case Function::Filter: {
      int n = 0;
      for (int i = 0; i < a.size; ++i)
        if (predicate(l, a.data[i])) out.data[n++] = a.data[i];
      out.kind = Kind::List;
      out.size = static_cast<std::uint8_t>(n);
      return EvalStatus::Ok;
    }
    case Function::Count: {
      int n = 0;
      for (int i = 0; i < a.size; ++i) n += predicate(l, a.data[i]);
      return set_int(out, n);
    }
    case Function::Scan1l: {
      out.kind = Kind::List;
      out.size = a.size;
      if (a.size == 0) return EvalStatus::Ok;
      std::int64_t y = a.data[0];
      out.data[0] = a.data[0];
      for (int i = 1; i < a.size; ++i) {
        y = binary(l, y, a.data[i]);
        if (!in_range(y)) return EvalStatus::OutOfRange;
        out.data[i] = static_cast<std::int16_t>(y);
      }
      return EvalStatus::Ok;
    }
    case Function::ZipWith: {
      const int n = std::min(a.size, b.size);
      out.kind = Kind::List;
      out.size = static_cast<std::uint8_t>(n);
      for (int i = 0; i < n; ++i) {
        const std::int64_t y = binary(l, a.data[i], b.data[i]);
        if (!in_range(y)) return EvalStatus::OutOfRange;
        out.data[i] = static_cast<std::int16_t>(y);
      }
      return EvalStatus::Ok;
    }
  }
  return EvalStatus::NullInput;
}

}  // namespace npeps
