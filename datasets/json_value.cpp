#include "datasets/json_value.h"

#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

namespace npeps {
namespace {

constexpr std::size_t kMaxExcerpt = 40;  // characters of a string shown in messages

std::string range_message(const std::string& number) {
  return number + " is out of range [" + std::to_string(kIntMin) + ", " + std::to_string(kIntMax) +
         "]";
}

// Checks one JSON number that should be a DSL integer. Returns the error
// message, or an empty string and sets *out.
std::string integer_from_json(const nlohmann::json& j, int* out) {
  switch (j.type()) {
    case nlohmann::json::value_t::number_integer: {
      const std::int64_t x = j.get<std::int64_t>();
      if (!in_range(x)) return range_message(std::to_string(x));
      *out = static_cast<int>(x);
      return {};
    }
    case nlohmann::json::value_t::number_unsigned: {
      const std::uint64_t x = j.get<std::uint64_t>();
      if (x > static_cast<std::uint64_t>(kIntMax)) return range_message(std::to_string(x));
      *out = static_cast<int>(x);
      return {};
    }
    case nlohmann::json::value_t::number_float: {
      // nlohmann parses integers beyond 64 bits (and exponents) as floats.
      const double x = j.get<double>();
      if (std::isfinite(x) && std::trunc(x) == x && (x < kIntMin || x > kIntMax))
        return range_message(j.dump());
      return "expected an integer, found " + describe_json(j);
    }
    default: return "expected an integer, found " + describe_json(j);
  }
}

}  // namespace

std::string describe_json(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::boolean: return j.get<bool>() ? "true" : "false";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return "the integer " + j.dump();
    case nlohmann::json::value_t::number_float: return "the float " + j.dump();
    case nlohmann::json::value_t::string: {
      const auto& s = j.get_ref<const std::string&>();
      std::string shown;
      for (std::size_t i = 0; i < s.size() && i < kMaxExcerpt; ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        shown += (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') ? '?' : static_cast<char>(c);
      }
      if (s.size() > kMaxExcerpt) shown += "...";
      return "a string \"" + shown + "\"";
    }
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::binary: return "binary data";
    case nlohmann::json::value_t::discarded: return "an invalid value";
  }
  return "an unknown value";
}

std::optional<Value> value_from_json(const nlohmann::json& j, bool allow_null,
                                     ValueJsonError* error) {
  auto fail = [error](int element, std::string message) {
    if (error != nullptr) *error = ValueJsonError{element, std::move(message)};
    return std::nullopt;
  };
  if (j.is_null()) {
    if (allow_null) return Value::null();
    return fail(-1, "expected an integer or a list of integers, found null");
  }
  if (j.is_number()) {
    int x = 0;
    std::string message = integer_from_json(j, &x);
    if (!message.empty()) return fail(-1, std::move(message));
    return Value::integer(x);
  }
  if (!j.is_array())
    return fail(-1, "expected an integer or a list of integers, found " + describe_json(j));
  if (j.size() > static_cast<std::size_t>(kMaxListLength))
    return fail(-1, "list has " + std::to_string(j.size()) + " elements (at most " +
                        std::to_string(kMaxListLength) + ")");
  std::vector<int> xs;
  xs.reserve(j.size());
  for (std::size_t i = 0; i < j.size(); ++i) {
    int x = 0;
    std::string message = integer_from_json(j[i], &x);
    if (!message.empty()) return fail(static_cast<int>(i), std::move(message));
    xs.push_back(x);
  }
  return Value::list(xs);
}

nlohmann::json value_to_json(const Value& v) {
  switch (v.kind) {
    case Kind::Null: return nullptr;
    case Kind::Int: return v.as_int();
    case Kind::List: {
      nlohmann::json a = nlohmann::json::array();
      for (int i = 0; i < v.size; ++i) a.push_back(static_cast<int>(v.data[i]));
      return a;
    }
  }
  return nullptr;
}

}  // namespace npeps
