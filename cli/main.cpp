// npeps: learns to write DSL programs from input/output examples.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <string>

#include "cli/commands.h"
#include "cli/option_checks.h"
#include "cli/output_check.h"
#ifdef NPEPS_WITH_TORCH
#include "models/blas_kernel.h"
#endif
#include "npeps/synthesizer.h"

namespace {

// --version: the library version and, with torch, the BLAS kernels in use.
std::string version_text() {
  std::string text = std::string("npeps ") + npeps::version();
#ifdef NPEPS_WITH_TORCH
  const std::string& choice = npeps::select_blas_kernel();
  text += "\nBLAS: " + npeps::blas_description() + "\nBLAS kernel choice: " + choice;
#endif
  return text;
}

}  // namespace

int main(int argc, char** argv) {
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
