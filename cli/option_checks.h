// Checks every npeps option gets, whichever subcommand declares it, so a
// new option cannot forget them: unsigned options refuse negative values
// (CLI11 would wrap -1 to 2^64-1), every --threads is capped at
// kMaxThreads, and no option takes an empty value (`--method ''` used to
// run the default method silently).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace npeps::cli {

// Adds the checks above to every option of `app` and of its subcommands,
// recursively. Call once, after every subcommand is registered.
void add_option_checks(CLI::App& app);

// Empty when argv names no subcommand or a known one; otherwise the message
// for an unknown one ("unknown command 'frobnicate' (commands: run, ...)").
std::string unknown_subcommand(const CLI::App& app, int argc, const char* const* argv);

}  // namespace npeps::cli
