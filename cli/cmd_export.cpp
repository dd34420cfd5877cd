// `npeps export-model`: strips a training checkpoint (optimizer state
// included) down to the weights and header, the form shipped in assets/.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/neural_handoff.h"

#ifdef NPEPS_WITH_TORCH
#include "models/checkpoint.h"
#include "models/cross_aggregator.h"
#endif

namespace npeps::cli {

#ifndef NPEPS_WITH_TORCH
void add_export_command(CLI::App&, int&) {}
#else
void add_export_command(CLI::App& app, int& exit_code) {
  auto in = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto half = std::make_shared<bool>(false);
  CLI::App* sub = app.add_subcommand(kNeuralCommands[1].name, kNeuralCommands[1].description);
  sub->add_option("input", *in, "training checkpoint")->required();
  sub->add_option("output", *out, "weights-only checkpoint to write")->required();
  sub->add_flag("--float16", *half, "store the weights as float16 (half the size; loaded as float32)");
  sub->callback([in, out, half, &exit_code] {
    try {
      bool aggregator = false;
      try {
        read_aggregator_header(*in);
        aggregator = true;
      } catch (const CheckpointError&) {
        // not an aggregator: load it as a PCCoder/PE model (its errors are the ones shown)
      }
      int epoch = 0;
      std::int64_t params = 0;
      if (aggregator) {
        LoadedAggregator m = load_aggregator(*in);
        m.header.float16 = *half;
        save_aggregator(*out, m.model, m.header);
        epoch = m.header.epoch;
        params = m.model.num_parameters();
      } else {
        LoadedModel m = load_checkpoint(*in);
        m.header.float16 = *half;
        save_checkpoint(*out, m.net, m.header);
        epoch = m.header.epoch;
        params = m.net.num_parameters();
      }
      std::cerr << "npeps export-model: wrote " << *out << " (epoch " << epoch << ", " << params
                << " parameters" << (*half ? ", float16" : "") << ")\n";
      exit_code = 0;
    } catch (const std::exception& e) {
      std::cerr << "npeps export-model: " << e.what() << "\n";
      exit_code = 2;
    }
  });
}
#endif

}  // namespace npeps::cli
