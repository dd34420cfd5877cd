// `npeps export-model`: strips a training checkpoint (optimizer state
// included) down to the weights and header, the form shipped in assets/.
#include <iostream>
#include <memory>

#include "cli/commands.h"

#ifdef NPEPS_WITH_TORCH
#include "models/checkpoint.h"
#endif

namespace npeps::cli {

#ifndef NPEPS_WITH_TORCH
void add_export_command(CLI::App&, int&) {}
#else
void add_export_command(CLI::App& app, int& exit_code) {
  auto in = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand("export-model", "write a checkpoint without optimizer state");
  sub->add_option("input", *in, "training checkpoint")->required();
  sub->add_option("output", *out, "weights-only checkpoint to write")->required();
  sub->callback([in, out, &exit_code] {
    try {
      LoadedModel m = load_checkpoint(*in);
      m.header.has_optimizer = false;
      save_checkpoint(*out, m.net, m.header);
      std::cerr << "npeps export-model: wrote " << *out << " (epoch " << m.header.epoch << ", "
                << m.net.num_parameters() << " parameters)\n";
      exit_code = 0;
    } catch (const std::exception& e) {
      std::cerr << "npeps export-model: " << e.what() << "\n";
      exit_code = 2;
    }
  });
}
#endif

}  // namespace npeps::cli
