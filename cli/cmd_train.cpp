// `npeps train`: trains the PCCoder network (global model) or, on the
// per-example dataset, the PE model.
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/neural_handoff.h"

#ifdef NPEPS_WITH_TORCH
#include "cli/distributed_flags.h"
#include "cli/progress.h"
#include "models/checkpoint.h"
#include "models/pccoder_trainer.h"
#endif

namespace npeps::cli {

#ifndef NPEPS_WITH_TORCH
void add_train_command(CLI::App&, int&) {}
#else
void add_train_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<TrainOptions>();
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* sub = app.add_subcommand(kNeuralCommands[0].name, kNeuralCommands[0].description);
  sub->add_option("--data", *files, "training JSON Lines file(s) with reference programs")
      ->required();
  sub->add_option("--val", o->validation_file, "validation file (default: hold out --val-fraction)");
  sub->add_option("--val-fraction", o->validation_fraction, "held-out fraction of tasks")
      ->capture_default_str();
  sub->add_option("--max-tasks", o->max_tasks, "use only the first N tasks (0 = all)");
  sub->add_option("--out", o->checkpoint_path, "checkpoint file, rewritten every epoch")->required();
  sub->add_flag("--resume", o->resume, "continue from --out when it exists");
  sub->add_option("--init", o->init_from,
                  "start from this checkpoint's weights (same architecture; fresh optimizer)");
  sub->add_option("--epochs", o->epochs, "total epochs")->capture_default_str();
  sub->add_option("--batch", o->batch_size, "states per step")->capture_default_str();
  sub->add_option("--lr", o->learning_rate, "initial Adam learning rate")->capture_default_str();
  sub->add_option("--lr-decay-every", o->lr_decay_every, "epochs between learning-rate decays")
      ->capture_default_str();
  sub->add_option("--lr-decay", o->lr_decay_factor, "decay factor")->capture_default_str();
  sub->add_option("--seed", o->seed, "seed (init, split, shuffles)")->capture_default_str();
  sub->add_flag("!--shuffle-states", o->batch_by_task,
                "shuffle states one by one, as PCCoder's trainer (default: whole tasks per batch, "
                "which share their variables' encodings)");
  sub->add_option("--threads", o->threads, "torch threads")->capture_default_str();
  sub->add_option("--log", o->log_path, "metrics log, one JSON object per epoch");
  sub->add_option("--embedding", o->net.embedding_dim, "integer embedding size")->capture_default_str();
  sub->add_option("--dense-layers", o->net.dense_layers, "dense block layers")->capture_default_str();
  sub->add_option("--growth", o->net.dense_growth, "dense block growth")->capture_default_str();
  sub->add_option("--hidden", o->net.hidden_dim, "state embedding size")->capture_default_str();
  sub->add_flag("--keep-epochs", o->keep_epoch_checkpoints, "also keep one checkpoint per epoch");
  auto distributed = add_distributed_flags(sub);
  sub->callback([o, files, distributed, &exit_code] {
    o->train_files = *files;
    auto progress = std::make_shared<EpochProgress>();
    o->progress = [progress](const TrainProgress& p) {
      if (!p.epoch_end) {
        progress->batch(p.epoch, p.batch, p.batches, p.train_loss, p.states_per_s);
        return;
      }
      char line[160];
      std::snprintf(line, sizeof line,
                    "epoch %d/%d  train loss %.4f  val loss %.4f  val acc %.4f  %.0f states/s",
                    p.epoch + 1, p.epochs, p.train_loss, p.val_loss, p.val_statement_acc,
                    p.states_per_s);
      progress->epoch_end(line);
    };
    try {
      o->distributed = distributed();
      const TrainReport r = train(*o);
      if (o->distributed.rank == 0)
        std::fprintf(stderr,
                     "trained %d epochs (%lld steps) on %zu states (%zu validation), %lld "
                     "parameters, %d process%s, %.0f states/s, best val acc %.4f, %.1f s\n",
                     r.epochs_done, static_cast<long long>(r.steps), r.train_states,
                     r.val_states, static_cast<long long>(r.parameters), r.world_size,
                     r.world_size > 1 ? "es" : "", r.train_states_per_s, r.best_val_acc,
                     r.time_s);
      exit_code = 0;
    } catch (const std::exception& e) {
      std::cerr << "npeps train: " << e.what() << "\n";
      exit_code = 2;
    }
  });
}
#endif

}  // namespace npeps::cli
