// `npeps generate`: random programs with examples, deduplicated by behaviour.
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/progress.h"
#include "datasets/generator.h"
#include "datasets/generator_flags.h"
#include "datasets/generator_shard.h"
#include "datasets/op_histogram.h"

namespace npeps::cli {
namespace {

void write_tasks(const std::vector<Task>& tasks, const std::string& path) {
  std::ofstream f;
  std::ostream* out = &std::cout;
  if (path != "-") {
    f.open(path);
    if (!f) throw std::runtime_error("cannot write '" + path + "'");
    out = &f;
  }
  for (const Task& t : tasks) *out << task_to_json(t).dump() << '\n';
  out->flush();
  if (!*out) throw std::runtime_error("writing '" + path + "' failed (disk full?)");
}

// Tasks of every file (each may hold comma-separated paths).
std::vector<Task> load_exclude(const std::vector<std::string>& args) {
  std::vector<Task> exclude;
  for (const std::string& arg : args) {
    std::stringstream ss(arg);
    std::string path;
    while (std::getline(ss, path, ',')) {
      if (path.empty()) continue;
      std::vector<std::string> errors;
      std::vector<Task> ts = load_tasks(path, &errors);
      for (const std::string& e : errors) std::cerr << "npeps generate: " << path << ": " << e << "\n";
      exclude.insert(exclude.end(), std::make_move_iterator(ts.begin()),
                     std::make_move_iterator(ts.end()));
    }
  }
  return exclude;
}

void print_stats(const GeneratorStats& stats, const std::vector<Task>& tasks) {
  for (const LengthStats& s : stats.lengths)
    std::cerr << "  length " << s.length << ": kept " << s.kept << " of " << s.candidates
              << " candidates (no structure " << s.no_structure << ", no examples "
              << s.no_examples << ", constant " << s.constant << ", redundant " << s.redundant
              << ", duplicate " << s.duplicate << ", unbalanced " << s.unbalanced << ", excluded " << s.excluded
              << "); example acceptance " << s.example_acceptance() << "\n";
  if (!tasks.empty()) std::cerr << "  " << op_histogram(tasks).format();
}

}  // namespace

void add_generate_command(CLI::App& app, int& exit_code) {
  struct Opts {
    std::string lengths = "4", out = "-", per_example;
    std::vector<std::string> exclude;
    GeneratorOptions gen;
    // Distribution options (datasets/generator.h).
    std::string examples = "5", value_scales, sampling = "constraints";
    bool balanced = false, mixture = false, stats = false;
    std::string shard;  // "I/N": write shard I's chunks instead of tasks
    std::vector<std::string> merge_files;
    std::string merge_out, merge_per_example;
    int merge_threads = 0;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* sub = app.add_subcommand("generate", "generate a dataset of random programs and examples");
  sub->add_option("--lengths", o->lengths, "program lengths, e.g. 1-4 or 5,8,12")->capture_default_str();
  sub->add_option("--programs", o->gen.programs_per_length, "deduplicated programs per length")
      ->capture_default_str();
  sub->add_option("--max-inputs", o->gen.max_inputs, "inputs per program (1..3)")
      ->capture_default_str()->check(CLI::Range(1, 3));
  sub->add_option("--seed", o->gen.seed, "random seed (same seed, same dataset)")->capture_default_str();
  sub->add_option("--threads", o->gen.threads, "worker threads (0 = all cores)")->capture_default_str();
  sub->add_option("--out", o->out, "output JSON Lines file (- for standard output)")->capture_default_str();
  sub->add_option("--exclude", o->exclude,
                  "JSON Lines file(s) whose programs' behaviours are excluded (makes a test split "
                  "disjoint from training); several files space- or comma-separated, e.g. "
                  "--exclude suites/*.jsonl");
  sub->add_option("--per-example", o->per_example,
                  "also write the per-example (one-example) variants to this file");
  // The distribution of the data (all default to the plain generator).
  CLI::Option* examples =
      sub->add_option("--examples", o->examples,
                      "examples per program: a count (1..10) or a range drawn per task, e.g. 1-5")
          ->capture_default_str();
  CLI::Option* scales = sub->add_option(
      "--value-scales", o->value_scales,
      "per-example input value scales: 'mixed' ([-256,255] [-128,127] [-64,63] [-50,50] "
      "[-10,10] [0,10]) or LO:HI ranges, comma-separated (write --value-scales=-50:50)");
  sub->add_flag("--balanced", o->balanced,
                "keep programs selectively so they use functions and lambdas near-uniformly");
  sub->add_option("--balance-strength", o->gen.balance_strength,
                  "with --balanced: how hard to push toward uniform (higher: more candidates drawn)")
      ->capture_default_str();
  CLI::Option* sampling =
      sub->add_option("--sampling", o->sampling,
                      "how example inputs are drawn: constraints (backward range propagation) or "
                      "forward (inputs drawn blind, kept when the program runs)")
          ->capture_default_str()->check(CLI::IsMember({"constraints", "forward"}));
  sub->add_flag("--mixture", o->mixture,
                "the training mixture: --value-scales mixed --examples 1-5 --balanced (flags "
                "given explicitly override it)");
  sub->add_flag("--stats", o->stats,
                "print per-length counts and the function/lambda histogram to standard error");
  sub->add_option("--shard", o->shard,
                  "I/N: compute slice I of N of this run and write it (a shard file, not tasks) to "
                  "--out; `npeps generate merge` turns the N files into exactly the single run's output");
  CLI::App* merge = sub->add_subcommand(
      "merge", "combine the files of `npeps generate --shard I/N` into the single run's tasks");
  merge->add_option("files", o->merge_files, "the N shard files, any order")->required();
  merge->add_option("--out", o->merge_out, "output JSON Lines file (- for standard output)")->required();
  merge->add_option("--per-example", o->merge_per_example,
                    "also write the per-example (one-example) variants to this file");
  merge->add_flag("--stats", o->stats, "print per-length counts and the histogram to standard error");
  merge->add_option("--threads", o->merge_threads, "worker threads for chunks no shard has (0 = all cores)")
      ->capture_default_str();
  merge->callback([o, &exit_code] {
    try {
      GeneratorStats stats;
      MergeReport report;
      std::unique_ptr<ProgressBar> bar;  // made at the first report, which gives the total
      std::vector<Task> tasks = merge_shards(
          o->merge_files, o->merge_threads, &stats, &report,
          [&bar](std::size_t done, std::size_t total) {
            if (!bar) bar = std::make_unique<ProgressBar>("generate merge", total, "programs");
            bar->update(done);
          });
      if (bar) bar->finish();
      write_tasks(tasks, o->merge_out);
      if (!o->merge_per_example.empty())
        write_tasks(per_example_variants(tasks), o->merge_per_example);
      std::cerr << "npeps generate merge: " << tasks.size() << " programs from "
                << report.chunks_from_shards << " shard chunks (" << report.chunks_computed
                << " computed here, missing from the shards)\n";
      if (o->stats) print_stats(stats, tasks);
      exit_code = 0;
    } catch (const GeneratorError& e) {
      std::cerr << "npeps generate merge: " << e.what() << "\n";
      exit_code = 2;
    }
  });
  sub->callback([o, examples, scales, sampling, merge, &exit_code] {
    if (merge->parsed()) return;
    try {
      o->gen.lengths = parse_lengths(o->lengths);
      if (o->mixture) apply_training_mixture(o->gen);
      if (!o->mixture || examples->count()) {
        const auto [lo, hi] = parse_example_range(o->examples);
        o->gen.num_examples = hi;
        o->gen.min_examples = lo < hi ? lo : 0;
      }
      if (scales->count()) o->gen.value_scales = parse_value_scales(o->value_scales);
      if (sampling->count()) o->gen.use_constraints = o->sampling == "constraints";
      o->gen.balanced |= o->balanced;
    } catch (const std::invalid_argument& e) {
      throw CLI::ValidationError("generate", e.what());
    }
    std::vector<Task> exclude = load_exclude(o->exclude);
    if (!o->exclude.empty()) o->gen.exclude = &exclude;
    const std::size_t wanted = o->gen.programs_per_length * o->gen.lengths.size();
    if (!o->shard.empty()) {
      ShardSpec spec;
      try {
        std::tie(spec.index, spec.count) = parse_shard(o->shard);
      } catch (const std::invalid_argument& e) {
        throw CLI::ValidationError("--shard", e.what());
      }
      if (o->out == "-") throw CLI::ValidationError("--shard", "needs --out FILE");
      std::ofstream f(o->out);
      if (!f) throw std::runtime_error("cannot write '" + o->out + "'");
      GeneratorStats stats;
      const std::size_t share = (o->gen.programs_per_length + spec.count - 1) / spec.count;
      ProgressBar bar("generate shard " + o->shard, share * o->gen.lengths.size(), "programs");
      o->gen.progress = [&bar](std::size_t done, std::size_t) { bar.update(done); };
      generate_shard(o->gen, spec, f, &stats);
      bar.finish();
      std::size_t kept = 0, candidates = 0;
      for (const LengthStats& s : stats.lengths) {
        kept += s.kept;
        candidates += s.candidates;
      }
      std::cerr << "npeps generate: shard " << o->shard << ": " << candidates
                << " candidates (" << kept << " new within the shard) in " << o->out << "\n";
      if (o->stats) print_stats(stats, {});
      exit_code = 0;
      return;
    }
    ProgressBar bar("generate", wanted, "programs");
    o->gen.progress = [&bar](std::size_t done, std::size_t) { bar.update(done); };
    const auto start = std::chrono::steady_clock::now();
    GeneratorStats stats;
    std::vector<Task> tasks = generate(o->gen, &stats);
    bar.finish();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    write_tasks(tasks, o->out);
    if (!o->per_example.empty()) write_tasks(per_example_variants(tasks), o->per_example);
    std::cerr << "npeps generate: " << tasks.size() << " programs in " << secs << " s ("
              << (secs > 0 ? tasks.size() / secs : 0) << " programs/s)\n";
    if (o->stats) print_stats(stats, tasks);
    exit_code = tasks.size() == wanted ? 0 : 1;
  });
}

}  // namespace npeps::cli
