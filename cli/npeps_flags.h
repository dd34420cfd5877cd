// The N-PEPS methods' flags, declared once for `synth` and `bench`, with
// the ranges npeps::validate(NPEPSOptions) checks.
#pragma once

#include <CLI/CLI.hpp>

#include "npeps/synthesizer.h"

namespace npeps::cli {

// --alpha, --pe-budget, --pe-solutions into `o` (defaults shown in --help).
void add_npeps_flags(CLI::App* sub, NPEPSOptions& o);

}  // namespace npeps::cli
