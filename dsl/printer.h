// Printing programs in both text forms; parse(print(p)) == p for every
// checked program.
#pragma once

#include <string>

#include "dsl/program.h"

namespace npeps {

// `LIST|INT|TAKE,1,0|SORT,2`
std::string to_compact(const Program& p);
// One statement per line, variables named a, b, c, ...:
// `a <- [int]\nb <- int\nc <- TAKE b a\nd <- SORT c` (no trailing newline).
// Lambda convention: symbolic lambdas are printed in parentheses, lambdas
// that are words bare: `MAP (*2) a`, `FILTER (>0) a`, `ZIPWITH (+) a b`,
// `FILTER EVEN a`, `SCAN1L max a` (as in DSL.md). The parser accepts any
// lambda with or without parentheses.
std::string to_readable(const Program& p);
// Name of variable v in the readable form: a..z, then v26, v27, ...
std::string variable_name(int v);

}  // namespace npeps
