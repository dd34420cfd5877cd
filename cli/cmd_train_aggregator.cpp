// `npeps aggregator-data` (PE searches over training tasks -> aggregator
// instances) and `npeps train-aggregator` (trains the cross aggregator).
#include <cstdio>
#include <iostream>
#include <memory>
#include <tuple>

#include "cli/commands.h"
#include "cli/neural_handoff.h"
#include "datasets/generator_flags.h"

#ifdef NPEPS_WITH_TORCH
#include "cli/distributed_flags.h"
#include "cli/progress.h"
#include "models/aggregator_data.h"
#include "models/aggregator_trainer.h"
#include "models/checkpoint.h"
#endif

namespace npeps::cli {

#ifndef NPEPS_WITH_TORCH
void add_aggregator_commands(CLI::App&, int&) {}
#else
namespace {

void add_data_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<AggregatorDataOptions>();
  CLI::App* sub = app.add_subcommand(kNeuralCommands[2].name, kNeuralCommands[2].description);
  sub->add_option("--data", o->tasks_path, "tasks with reference programs (JSON Lines)")
      ->required();
  sub->add_option("--out", o->out_path, "instances file (JSON Lines); appended, done tasks skipped")
      ->required();
  sub->add_option("--pe-model", o->pe_checkpoint, "PE model checkpoint")->required();
  sub->add_option("--min-budget", o->min_budget_s, "per-example PE budget, lower end (s)")
      ->capture_default_str();
  sub->add_option("--max-budget", o->max_budget_s, "per-example PE budget, upper end (s)")
      ->capture_default_str();
  sub->add_option("--min-nodes", o->min_nodes, "node budget per example, lower end");
  sub->add_option("--max-nodes", o->max_nodes,
                  "node budget per example, upper end; > 0 replaces the time budget");
  sub->add_option("--threads", o->threads, "tasks in parallel")->capture_default_str();
  sub->add_option("--max-solutions", o->max_solutions, "PE solutions kept per task")
      ->capture_default_str();
  sub->add_option("--max-tasks", o->max_tasks, "only the first N tasks (0 = all)");
  sub->add_option("--seed", o->seed, "seed of the budget draws")->capture_default_str();
  auto shard = std::make_shared<std::string>();
  sub->add_option("--shard", *shard,
                  "only tasks with index % N == I (I/N); the shards' files together are the "
                  "single run's");
  sub->callback([o, shard, &exit_code] {
    if (!shard->empty()) {
      try {
        std::tie(o->shard_index, o->shard_count) = parse_shard(*shard);
      } catch (const std::invalid_argument& e) {
        throw CLI::ValidationError("--shard", e.what());
      }
    }
    auto bar = std::make_shared<std::unique_ptr<ProgressBar> >();
    o->progress = [bar](std::size_t done, std::size_t total, std::size_t inst) {
      if (!*bar) *bar = std::make_unique<ProgressBar>("PE searches", total, "tasks");
      (*bar)->update(done, std::to_string(inst) + " with PE solutions");
    };
    try {
      const AggregatorDataReport r = generate_aggregator_data(*o);
      if (*bar) (*bar)->finish();
      std::fprintf(stderr,
                   "%zu tasks searched (%zu already done, %zu invalid): %zu with PE solutions, "
                   "%zu solved by one; %.1f s, %.2f tasks/s, %.2f instances/s\n",
                   r.processed, r.already_done, r.invalid, r.with_solutions, r.full, r.time_s,
                   r.tasks_per_s, r.instances_per_s);
      exit_code = 0;
    } catch (const std::exception& e) {
      std::cerr << "npeps aggregator-data: " << e.what() << "\n";
      exit_code = 2;
    }
  });
}

void add_train_aggregator_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<AggregatorTrainOptions>();
  auto key_encoder = std::make_shared<std::string>("pe");
  CLI::App* sub = app.add_subcommand(kNeuralCommands[3].name, kNeuralCommands[3].description);
  sub->add_option("--data", o->data_files, "instance file(s) from aggregator-data")->required();
  sub->add_option("--val", o->validation_file,
                  "validation instances (default: hold out --val-fraction)");
  sub->add_option("--val-fraction", o->validation_fraction, "held-out fraction")
      ->capture_default_str();
  sub->add_option("--max-instances", o->max_instances, "use only the first N instances (0 = all)");
  sub->add_option("--global-model", o->global_checkpoint, "global model checkpoint")->required();
  sub->add_option("--pe-model", o->pe_checkpoint, "PE model checkpoint (key encoder)");
  sub->add_option("--key-encoder", *key_encoder, "network embedding the keys: pe or global")
      ->check(CLI::IsMember({"pe", "global"}))
      ->capture_default_str();
  sub->add_flag("--use-scores", o->model.use_scores, "N-PEPS+U: attention uses solution scores");
  sub->add_flag("--include-full", o->include_full, "also train on tasks a PE solution solved");
  sub->add_option("--out", o->checkpoint_path, "best checkpoint (last epoch: <out>.last)")
      ->required();
  sub->add_flag("--resume", o->resume, "continue from <out>.last when it exists");
  sub->add_option("--init", o->init_from,
                  "start from this aggregator's weights (same architecture; fresh optimizer)");
  sub->add_option("--epochs", o->epochs, "epochs at most")->capture_default_str();
  sub->add_option("--patience", o->patience, "early stopping patience, epochs (0 = off)")
      ->capture_default_str();
  sub->add_option("--batch", o->batch_size, "instances per step")->capture_default_str();
  sub->add_option("--lr", o->learning_rate, "Adam learning rate")->capture_default_str();
  sub->add_option("--dropout", o->model.dropout, "dropout")->capture_default_str();
  sub->add_option("--heads", o->model.heads, "attention heads")->capture_default_str();
  sub->add_option("--d-k", o->model.d_k, "query/key width per head")->capture_default_str();
  sub->add_option("--d-v", o->model.d_v, "value width per head")->capture_default_str();
  sub->add_option("--d-inner", o->model.d_inner, "feed-forward width")->capture_default_str();
  sub->add_option("--seed", o->seed, "seed (init, split, shuffles)")->capture_default_str();
  sub->add_option("--threads", o->threads, "torch threads")->capture_default_str();
  sub->add_option("--log", o->log_path, "metrics log, one JSON object per epoch");
  auto distributed = add_distributed_flags(sub);
  sub->callback([o, key_encoder, distributed, &exit_code] {
    o->model.key_encoder = *key_encoder == "pe" ? KeyEncoder::PE : KeyEncoder::Global;
    auto progress = std::make_shared<EpochProgress>();
    o->progress = [progress](const AggregatorTrainProgress& p) {
      if (!p.epoch_end) {
        progress->batch(p.epoch, p.batch, p.batches, p.train_loss, p.states_per_s);
        return;
      }
      char line[160];
      std::snprintf(line, sizeof line, "epoch %d/%d  val loss %.4f  val acc %.4f  %.0f states/s%s",
                    p.epoch + 1, p.epochs, p.val_loss, p.val_statement_acc, p.states_per_s,
                    p.improved ? "  (best)" : "");
      progress->epoch_end(line);
    };
    try {
      o->distributed = distributed();
      const bool rank0 = o->distributed.rank == 0;
      if (rank0) std::fprintf(stderr, "preparing instances (embedding queries and keys)...\n");
      const AggregatorTrainReport r = train_aggregator(*o);
      if (rank0)
        std::fprintf(stderr,
                   "trained %d epochs%s on %zu states / %zu keys (%zu validation states), "
                   "%zu instances used, %zu skipped, %lld parameters, prepare %.1f s, "
                   "%.0f states/s, best val loss %.4f acc %.4f, %.1f s\n",
                   r.epochs_done, r.early_stopped ? " (early stop)" : "", r.train_states,
                   r.train_keys, r.val_states, r.instances_used, r.instances_skipped,
                   static_cast<long long>(r.parameters), r.prepare_s, r.train_states_per_s,
                   r.best_val_loss, r.best_val_acc, r.time_s);
      exit_code = 0;
    } catch (const std::exception& e) {
      std::cerr << "npeps train-aggregator: " << e.what() << "\n";
      exit_code = 2;
    }
  });
}

}  // namespace

void add_aggregator_commands(CLI::App& app, int& exit_code) {
  add_data_command(app, exit_code);
  add_train_aggregator_command(app, exit_code);
}
#endif

}  // namespace npeps::cli
