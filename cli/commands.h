// The npeps subcommands. Each add_* registers its options on the app and
// sets `exit_code` when it runs: 0 success, 1 "not solved", 2 invalid
// input or usage (message on standard error).
#pragma once

#include <CLI/CLI.hpp>

namespace npeps::cli {

void add_run_command(CLI::App& app, int& exit_code);
void add_synth_command(CLI::App& app, int& exit_code);
void add_generate_command(CLI::App& app, int& exit_code);
void add_train_command(CLI::App& app, int& exit_code);  // no-op without torch
void add_export_command(CLI::App& app, int& exit_code);  // no-op without torch
void add_bench_command(CLI::App& app, int& exit_code);  // cli/cmd_bench.cpp
void add_aggregator_commands(CLI::App& app, int& exit_code);  // cli/cmd_train_aggregator.cpp

// Reads a whole file, or standard input for "-". Throws std::runtime_error
// (also for a directory: "'DIR' is a directory, not a file").
std::string read_input(const std::string& path);
// Throws std::runtime_error when `path` is a directory.
void check_input_file(const std::string& path);

}  // namespace npeps::cli
