// npeps: learns to write DSL programs from input/output examples.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <string>

#include "api/solver.h"
#include "cli/commands.h"
#include "cli/neural_handoff.h"
#include "cli/option_checks.h"
#include "cli/output_check.h"
#ifdef NPEPS_WITH_TORCH
#include "models/blas_kernel.h"
#include "models/panel_gemm.h"
#endif
#include "npeps/synthesizer.h"

namespace {

// --version: the library version and, with torch, the BLAS kernels in use
// and which kernel runs the dense layers' products (npeps's AVX-512 panel
// kernel, models/panel_gemm.h, or torch's BLAS).
std::string version_text() {
  std::string text = std::string("npeps ") + npeps::version();
#ifdef NPEPS_WITH_TORCH
  const std::string& choice = npeps::select_blas_kernel();
  text += "\nBLAS: " + npeps::blas_description() + "\nBLAS kernel choice: " + choice;
  text += std::string("\ndense layer products: ") +
          (npeps::panel_gemm_fast() ? "npeps avx512 panel kernel" : "torch (BLAS)");
  if (const std::string note = npeps::panel_gemm_setting_note(); !note.empty())
    text += " (" + note + ")";
#endif
  return text;
}

}  // namespace

int main(int argc, char** argv) {
#ifdef NPEPS_CLI_LIGHT
  // Without LibTorch in this program: what needs the models runs in
  // npeps-full (cli/neural_handoff.h).
  npeps::cli::remember_arguments(argc, argv);
  npeps::set_neural_handoff(&npeps::cli::hand_over_to_full_build);
  if (argc > 1 && npeps::cli::needs_full_build(argv[1])) {
    npeps::cli::hand_over_to_full_build();
    std::perror("npeps: cannot start npeps-full");
    return 2;
  }
#endif
  CLI::App app{"npeps — program synthesis from input/output examples (PCCoder, N-PEPS)"};
  app.set_version_flag("--version", std::function<std::string()>(version_text));
  app.require_subcommand(1);
  int exit_code = 0;
  npeps::cli::add_run_command(app, exit_code);
  npeps::cli::add_synth_command(app, exit_code);
  npeps::cli::add_generate_command(app, exit_code);
  npeps::cli::add_train_command(app, exit_code);
  npeps::cli::add_export_command(app, exit_code);
  npeps::cli::add_bench_command(app, exit_code);
  npeps::cli::add_aggregator_commands(app, exit_code);
#ifdef NPEPS_CLI_LIGHT
  for (const npeps::cli::NeuralCommand& c : npeps::cli::kNeuralCommands)
    app.add_subcommand(c.name, c.description);  // listed by --help; handed over above
#endif
  npeps::cli::add_option_checks(app);
  if (const std::string e = npeps::cli::unknown_subcommand(app, argc, argv); !e.empty()) {
    std::cerr << "npeps: " << e << "\n";
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message and usage
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "npeps: " << e.what() << "\n";
    return 2;
  }
  const auto ran = app.get_subcommands();
  return npeps::cli::stdout_flushed(ran.empty() ? "" : ran[0]->get_name()) ? exit_code : 2;
}
