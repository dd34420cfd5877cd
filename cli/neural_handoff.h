// Start-up without LibTorch. With torch, the build makes two programs from
// the same sources: `npeps`, linked without LibTorch (the light build:
// NPEPS_CLI_LIGHT), and `npeps-full` next to it. The light one does every
// command that needs no model itself (help, run, generate, synth and bench
// with enum) and starts in milliseconds; a command that needs the models
// (a neural method, training, --version's BLAS report) replaces the process
// with npeps-full and the same arguments, before anything is written. The
// process keeps its id and start time, so `--timeout` still counts from
// the start of the command.
#pragma once

#include <string_view>

namespace npeps::cli {

// The commands only the full build has, with their --help lines (both
// builds list them).
struct NeuralCommand {
  const char* name;
  const char* description;
};
inline constexpr NeuralCommand kNeuralCommands[] = {
    {"train", "train the PCCoder network (or the PE model, on per-example data)"},
    {"export-model", "write a checkpoint (PCCoder/PE model or aggregator) without optimizer state"},
    {"aggregator-data", "run PE searches on training tasks: instances for train-aggregator"},
    {"train-aggregator", "train the N-PEPS cross aggregator"},
};

// `npeps synth` on one task with a method that has the exhaustive phase
// (the default among them) starts with the enumerator in the light build,
// and hands over after the phase's first share only when at least this
// much of the budget is left (api/solver.h, defer_neural_handoff): loading
// LibTorch and the models takes about 0.8 s here, and under a short budget
// the enumerator alone solves more in that time than the guided step
// would after it (per process, 471 tasks: at 2 s enum 419 against 416
// handed over, at 3 s 423 against 426; docs/results/short_budget). A task the enumerator solves in
// that first share never loads LibTorch.
inline constexpr double kFullBuildMinBudgetS = 2.5;

// Whether `arg` (argv[1]) is a command or flag the light build hands over.
bool needs_full_build(std::string_view arg);

// Keeps the arguments for hand_over_to_full_build (call first in main).
void remember_arguments(int argc, char** argv);

// Replaces the process with npeps-full (this program's directory) and the
// remembered arguments. Returns only when that fails (errno set).
void hand_over_to_full_build();

}  // namespace npeps::cli
