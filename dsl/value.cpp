#include "dsl/value.h"

#include <cstring>

namespace npeps {

Value Value::list(const std::vector<int>& xs) {
  Value v;
  v.kind = Kind::List;
  v.size = static_cast<std::uint8_t>(xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) v.data[i] = static_cast<std::int16_t>(xs[i]);
  return v;
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Kind::Null: return true;
    case Kind::Int: return a.data[0] == b.data[0];
    case Kind::List:
      return a.size == b.size && std::memcmp(a.data, b.data, a.size * sizeof(a.data[0])) == 0;
  }
  return false;
}

std::size_t Value::hash() const {
  std::uint64_t h = 1469598103934665603ull ^ static_cast<std::uint64_t>(kind);
  auto mix = [&h](std::uint64_t x) { h = (h ^ x) * 1099511628211ull; };
  if (kind == Kind::Int) mix(static_cast<std::uint16_t>(data[0]));
  if (kind == Kind::List) {
    mix(size + 1000u);
    for (int i = 0; i < size; ++i) mix(static_cast<std::uint16_t>(data[i]));
  }
  return static_cast<std::size_t>(h);
}

std::string to_json(const Value& v) {
  switch (v.kind) {
    case Kind::Null: return "null";
    case Kind::Int: return std::to_string(v.data[0]);
    case Kind::List: {
      std::string s = "[";
      for (int i = 0; i < v.size; ++i) {
        if (i) s += ',';
        s += std::to_string(v.data[i]);
      }
      return s + "]";
    }
  }
  return "null";
}

const char* type_name(Type t) { return t == Type::Int ? "INT" : "LIST"; }

}  // namespace npeps
