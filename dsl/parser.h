// Parsing programs in the compact form (`LIST|FILTER,EVEN,0|MAP,/2,1`)
// and the readable form (`a <- [int]` / `b <- FILTER EVEN a`).
// Implemented with Boost.Spirit X3 in parser.cpp (the grammar lives in
// parser_def.h); this header includes no Spirit.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "dsl/program.h"

namespace npeps {

// A syntax, name or type error, with its 1-based position and what was
// expected there. what() reads like
// `line 2, column 12: expected a variable of type LIST, found 'a' (INT)`.
struct ParseError : std::runtime_error {
  ParseError(int line, int column, std::string expected, const std::string& message);
  int line;
  int column;
  std::string expected;
};

// Both throw ParseError; the returned program passes check().
Program parse_compact(std::string_view text);
Program parse_readable(std::string_view text);
// Chooses the form: readable when the text contains "<-", else compact.
Program parse_program(std::string_view text);

}  // namespace npeps
