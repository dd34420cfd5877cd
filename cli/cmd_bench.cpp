// `npeps bench`: compares synthesis methods on the same tasks under the same
// per-task budget; a thin client of the harness library (harness/).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "bench/merge.h"
#include "bench/runner.h"
#include "cli/commands.h"
#include "cli/npeps_flags.h"
#include "cli/progress.h"

namespace npeps::cli {
namespace {

struct BenchCliOptions {
  BenchOptions bench;
  std::string methods = "enum";
  std::string shard;
  std::string out;
  bool signature = false;
  std::vector<std::string> merge_dirs;
  std::string merge_out;
  bool allow_partial = false;
};

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

int run(BenchCliOptions& o) {
  BenchOptions& b = o.bench;
  b.methods = split_commas(o.methods);
  if (!o.shard.empty()) parse_shard(o.shard, b.shard_index, b.shard_count);
  if (o.signature) {
    for (const SignatureLine& l : run_signature(b))
      std::cout << "signature " << l.method << " " << l.nodes << " nodes (" << l.solved << "/"
                << l.tasks << " solved)\n";
    return 0;
  }
  if (o.out.empty()) throw BenchError("--out DIR is required");
  validate(b);
  if (b.task_files.empty()) std::cerr << "npeps bench: generating suite " << b.suite << "...\n";
  // The bar counts only this call's runs, so its rate and time left are
  // not skewed by rows resumed from an earlier run.
  std::unique_ptr<ProgressBar> bar;
  std::size_t resumed = 0;
  const BenchRunInfo info = run_bench(b, o.out, [&](const BenchProgress& p) {
    if (!bar) {
      resumed = p.done;
      bar = std::make_unique<ProgressBar>("bench", p.total - resumed, "runs");
    }
    bar->update(p.done - resumed, std::to_string(p.solved) + " solved");
  });
  if (bar) bar->finish();
  for (const std::string& w : info.warnings) std::cerr << "npeps bench: skipped " << w << "\n";
  if (info.bad_lines)
    std::cerr << "npeps bench: dropped " << info.bad_lines << " torn line(s) of results.jsonl\n";
  std::cerr << "npeps bench: " << info.tasks << " tasks, " << info.rows_run << " runs done";
  if (info.rows_resumed) std::cerr << ", " << info.rows_resumed << " resumed from an earlier run";
  std::cerr << "; report in " << o.out << "/report.md\n";
  return 0;
}

}  // namespace

void add_bench_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<BenchCliOptions>();
  std::string methods;
  for (const std::string& m : Synthesizer::methods()) methods += (methods.empty() ? "" : ", ") + m;
  CLI::App* sub =
      app.add_subcommand("bench", "compare methods by success rate versus time (docs/BENCH.md)");
  sub->add_option("--tasks", o->bench.task_files, "JSON Lines task files (comma-separated)")
      ->delimiter(',');
  sub->add_option("--suite", o->bench.suite,
                  "built-in suite instead of --tasks: e1 (length 4) or e2 (5, 8, 10, 12, 14)");
  sub->add_option("--suite-size", o->bench.suite_size,
                  "suite tasks per program length (paper: 500)")
      ->capture_default_str();
  sub->add_option("--exclude", o->bench.exclude_file,
                  "training set: suite programs avoid its behaviours");
  sub->add_option("--methods", o->methods, "comma-separated methods: " + methods)
      ->capture_default_str();
  sub->add_option("--timeout", o->bench.timeout_s,
                  "wall-clock budget per task and method, seconds (0 = none)")
      ->capture_default_str();
  sub->add_option("--max-nodes", o->bench.max_nodes, "node budget per task and method (0 = none)")
      ->capture_default_str();
  sub->add_option("--threads", o->bench.threads, "worker threads per task")->capture_default_str();
  add_npeps_flags(sub, o->bench.npeps);
  sub->add_option("--seed", o->bench.seed, "seeds the built-in suite's generation")
      ->capture_default_str();
  sub->add_option("--holdout", o->bench.holdout,
                  "hide the last K examples of each task and check on them")
      ->capture_default_str();
  sub->add_option("--shard", o->shard, "run only tasks with index % N == I (I/N)");
  sub->add_option("--model-dir", o->bench.model_dir, "trained models (default: shipped models)");
  sub->add_option("--out", o->out,
                  "output directory (resumed when it holds a run with the same options)");
  sub->add_flag(
      "--signature", o->signature,
      "print total nodes per method on a fixed built-in suite under a node budget (default " +
          std::to_string(kSignatureNodes) + " per task)");

  CLI::App* merge = sub->add_subcommand("merge", "combine shard directories into one report");
  merge->add_option("dirs", o->merge_dirs, "shard output directories")->required();
  merge->add_option("--out", o->merge_out, "merged output directory")->required();
  merge->add_flag("--allow-partial", o->allow_partial, "merge even if some shards are missing");
  merge->callback([o, &exit_code] {
    try {
      merge_bench(o->merge_dirs, o->merge_out, MergeOptions{o->allow_partial});
      std::cerr << "npeps bench merge: report in " << o->merge_out << "/report.md\n";
      exit_code = 0;
    } catch (const std::exception& e) {
      std::cerr << "npeps bench merge: " << e.what() << "\n";
      exit_code = 2;
    }
  });

  sub->callback([o, merge, &exit_code] {
    if (merge->parsed()) return;
    try {
      exit_code = run(*o);
    } catch (const std::exception& e) {
      std::cerr << "npeps bench: " << e.what() << "\n";
      exit_code = 2;
    }
  });
}

}  // namespace npeps::cli
