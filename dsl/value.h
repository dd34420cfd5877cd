// Values of the list DSL: INT, LIST (at most 20 ints) and NULL, held inline
// with no heap allocation so the interpreter's hot path never allocates.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

namespace npeps {

inline constexpr int kIntMin = -256;        // smallest integer a value may hold
inline constexpr int kIntMax = 255;         // largest integer a value may hold
inline constexpr int kMaxListLength = 20;   // longest list a value may hold

// The static type of a variable or argument.
enum class Type : std::uint8_t { Int = 0, List = 1 };

// The dynamic kind of a value; NULL is "no value" (e.g. HEAD of []).
enum class Kind : std::uint8_t { Null = 0, Int = 1, List = 2 };

inline bool in_range(std::int64_t x) { return x >= kIntMin && x <= kIntMax; }

// One DSL value. An INT keeps its number in data[0]; a LIST keeps its
// elements in data[0..size). Elements past `size` are unspecified, so
// compare and hash with the members below, never with memcmp.
struct Value {
  Kind kind = Kind::Null;
  std::uint8_t size = 0;
  std::int16_t data[kMaxListLength] = {};

  static Value null() { return Value{}; }
  static Value integer(int x) {
    Value v;
    v.kind = Kind::Int;
    v.data[0] = static_cast<std::int16_t>(x);
    return v;
  }
  // Precondition: xs.size() <= kMaxListLength and every element in range.
  static Value list(const std::vector<int>& xs);
  static Value list(std::initializer_list<int> xs) { return list(std::vector<int>(xs)); }

  bool is_null() const { return kind == Kind::Null; }
  bool is_int() const { return kind == Kind::Int; }
  bool is_list() const { return kind == Kind::List; }
  int as_int() const { return data[0]; }
  std::vector<int> as_vector() const { return {data, data + size}; }
  // The static type this value has; undefined for NULL.
  Type type() const { return kind == Kind::List ? Type::List : Type::Int; }

  std::size_t hash() const;
  friend bool operator==(const Value& a, const Value& b);
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }
};

// JSON text of a value: `3`, `[1,2]` or `null`.
std::string to_json(const Value& v);
const char* type_name(Type t);  // "INT" or "LIST"

}  // namespace npeps

template <>
struct std::hash<npeps::Value> {
  std::size_t operator()(const npeps::Value& v) const { return v.hash(); }
};
