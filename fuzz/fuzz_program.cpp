// libFuzzer target: the program parser, compact and readable forms. Any
// input parses or throws ParseError / ProgramError; a program that parses
// prints, in both forms, to text that parses back to the same program.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "dsl/parser.h"
#include "dsl/printer.h"

namespace {

void round_trip(const npeps::Program& p) {
  if (npeps::parse_compact(npeps::to_compact(p)) != p) std::abort();
  if (npeps::parse_readable(npeps::to_readable(p)) != p) std::abort();
}

template <class Parse>
void try_parse(Parse parse, std::string_view text) {
  try {
    round_trip(parse(text));
  } catch (const npeps::ParseError&) {
  } catch (const npeps::ProgramError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try_parse([](std::string_view t) { return npeps::parse_compact(t); }, text);
  try_parse([](std::string_view t) { return npeps::parse_readable(t); }, text);
  try_parse([](std::string_view t) { return npeps::parse_program(t); }, text);
  return 0;
}
