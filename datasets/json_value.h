// Conversions between DSL values and JSON (integers, arrays of integers,
// null), with precise validation for user-supplied data.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "dsl/value.h"

namespace npeps {

// Why a JSON value is not a DSL value. `element` is the index of the
// offending list element, or -1 when the value as a whole is wrong.
struct ValueJsonError {
  int element = -1;
  std::string message;  // e.g. "300 is out of range [-256, 255]"
};

// Converts a JSON integer or array of at most 20 integers in [-256, 255]
// (or null, when `allow_null`) to a Value. Floats (even 3.0), strings,
// booleans, objects, nested arrays and huge integers are rejected: returns
// nullopt and fills *error. Never throws.
std::optional<Value> value_from_json(const nlohmann::json& j, bool allow_null,
                                     ValueJsonError* error);

// `3`, `[1,2]` or `null`.
nlohmann::json value_to_json(const Value& v);

// A short description of a JSON value for error messages: `a string "ab..."`,
// `an array`, `the float 3.0`. Bounded length; never throws.
std::string describe_json(const nlohmann::json& j);

}  // namespace npeps
