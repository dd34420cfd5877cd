// npeps: learns to write DSL programs from input/output examples.
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "npeps/synthesizer.h"

int main(int argc, char** argv) {
  CLI::App app{"npeps — program synthesis from input/output examples (PCCoder, N-PEPS)"};
  app.set_version_flag("--version", npeps::version());
  app.require_subcommand(1);
  int exit_code = 0;
  npeps::cli::add_run_command(app, exit_code);
  npeps::cli::add_synth_command(app, exit_code);
  npeps::cli::add_generate_command(app, exit_code);
  npeps::cli::add_train_command(app, exit_code);
  npeps::cli::add_export_command(app, exit_code);
  npeps::cli::add_bench_command(app, exit_code);
  npeps::cli::add_aggregator_commands(app, exit_code);
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
  return exit_code;
}
