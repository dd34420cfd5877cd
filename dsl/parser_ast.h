// Syntax trees of the two program text forms, as produced by the X3
// grammar in parser_def.h and checked by parser.cpp. Plain structs, no
// Spirit headers; every token keeps its byte offset in the source text so
// name and type errors can report a line and column.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace npeps::ast {

// One token and the byte offset of its first character in the text.
struct Token {
  std::size_t offset = 0;
  std::string text;
};

// Compact form: `|`-separated segments, each a `,`-separated token list
// (`LIST`, or `MAP,*2,0`).
using CompactSegment = std::vector<Token>;
using CompactProgram = std::vector<CompactSegment>;

// A token on the right of `<-`, with the brackets it was written in.
struct ReadableArg {
  Token token;
  char bracket = ' ';  // ' ' (bare), '(' for `(x)`, '[' for `[x]`
};

// `target <- arg arg ...`
struct ReadableLine {
  Token target;
  std::vector<ReadableArg> rhs;
};

using ReadableProgram = std::vector<ReadableLine>;

}  // namespace npeps::ast
