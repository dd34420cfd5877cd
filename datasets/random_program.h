// Random well-formed program structure (no examples): the first stage of
// the dataset generator.
#pragma once

#include "datasets/random.h"
#include "dsl/program.h"

namespace npeps {

// Longest program the generator makes: its hot loops keep a program's
// variables in arrays of kMaxGeneratedVars on the stack (run_into).
inline constexpr int kMaxGeneratedLength = 32;
inline constexpr int kMaxGeneratedVars = kMaxInputs + kMaxGeneratedLength;

// Draws a program of `length` statements (1..kMaxGeneratedLength) with
// 1..max_inputs inputs, at least one a LIST, LIST inputs first. Each
// statement is a uniformly chosen function, then a uniform lambda of it,
// with arguments of the right types, at least one of them a variable not
// used before; at the end every variable but the output is used, and no
// statement occurs twice. Returns false (rare) when the walk gets stuck
// repeatedly; `out` is then unspecified. Allocates only into `out`.
bool random_program(Rng& rng, int length, int max_inputs, Program& out);

}  // namespace npeps
