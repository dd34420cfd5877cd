#include "bench/runner.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "bench/report.h"
#include "bench/run_config.h"
#include "dsl/parser.h"

namespace npeps {
namespace {

Datum to_datum(const Value& v) {
  if (v.is_int()) return v.as_int();
  if (v.is_list()) return v.as_vector();
  return std::monostate{};
}

// One Synthesizer per method, each with the run's budget.
std::vector<std::unique_ptr<Synthesizer>> make_synthesizers(const BenchOptions& opts) {
  std::vector<std::unique_ptr<Synthesizer>> synths;
  for (const std::string& m : opts.methods) {
    try {
      synths.push_back(std::make_unique<Synthesizer>(synthesizer_options(opts, m)));
    } catch (const std::exception& e) {  // InvalidInput, ModelError: both name the method
      throw BenchError(e.what());
    }
  }
  return synths;
}

SolveFn solve_with(Synthesizer& s) {
  return [&s](const TaskSpec& spec) { return s.synthesize(spec); };
}

bool valid_program(const Program& p) {
  try {
    check(p);
    return true;
  } catch (const ProgramError&) {
    return false;
  }
}

}  // namespace

SynthesizerOptions synthesizer_options(const BenchOptions& opts, const std::string& method) {
  SynthesizerOptions o;
  o.method = method;
  o.timeout_s = opts.timeout_s > 0 ? opts.timeout_s : std::numeric_limits<double>::infinity();
  o.max_nodes = opts.max_nodes;
  o.threads = opts.threads;
  o.model_dir = opts.model_dir;
  o.npeps = opts.npeps;
  return o;
}

TaskSpec to_task_spec(const std::string& id, const std::vector<Example>& examples) {
  TaskSpec spec;
  spec.id = id;
  for (const Example& e : examples) {
    IoExample io;
    for (const Value& v : e.inputs) io.inputs.push_back(to_datum(v));
    io.output = to_datum(e.output);
    spec.examples.push_back(std::move(io));
  }
  return spec;
}

BenchRow solve_task(const SolveFn& solve, const std::string& method, const BenchTask& task) {
  BenchRow row;
  row.task = task.id;
  row.index = task.index;
  row.ref_len = task.ref_len;
  row.method = method;
  const TaskSpec spec = to_task_spec(task.id, task.visible);
  const auto start = std::chrono::steady_clock::now();
  SynthesisResult r;
  try {
    r = solve(spec);
  } catch (const std::exception& e) {
    row.error = e.what();
  }
  row.time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  row.nodes = r.nodes;
  row.checks = r.checks;
  row.model_calls = r.model_calls;
  if (r.program.empty()) return row;
  // Check the program as it was printed, independently of the facade's
  // own check: a parser or printer fault shows here as recheck_failed.
  row.program = r.program;
  std::optional<Program> p;
  try {
    p = parse_compact(r.program);
  } catch (const std::exception& e) {
    row.error = std::string("the solver returned a malformed program: ") + e.what();
  }
  if (p && !valid_program(*p)) {
    row.error = "the solver returned an ill-typed program";
    p.reset();
  }
  row.solved = p && satisfies(*p, task.visible);
  row.recheck_failed = !row.solved;
  if (row.solved && !task.hidden.empty()) row.holdout_ok = satisfies(*p, task.hidden);
  return row;
}

BenchRunInfo run_bench(const BenchOptions& opts, const std::string& out_dir,
                       const BenchProgressFn& progress) {
  validate(opts);
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw BenchError("cannot create '" + out_dir + "': " + ec.message());
  const std::string config_path = (fs::path(out_dir) / "config.json").string();
  const std::string results_path = (fs::path(out_dir) / "results.jsonl").string();

  BenchTaskSet set = load_bench_tasks(opts);
  BenchRunInfo info;
  info.warnings = std::move(set.warnings);
  const nlohmann::json config = run_config(opts, set);
  if (fs::exists(config_path)) {
    check_same_config(read_config(out_dir), config, false, "'" + config_path + "'");
  } else {
    if (fs::exists(results_path) && fs::file_size(results_path) > 0)
      throw BenchError("'" + results_path +
                       "' exists without config.json; use an empty --out directory");
    write_file_atomic(config_path, config.dump(2) + "\n");
  }

  // Keep the readable rows; rewrite the file if a kill left a torn line or duplicates.
  std::vector<BenchRow> existing = read_rows(results_path, &info.bad_lines);
  const std::size_t read_count = existing.size();
  sort_rows(existing, opts.methods);
  if (info.bad_lines > 0 || existing.size() != read_count) {
    std::string text;
    for (const BenchRow& r : existing) text += row_to_json(r).dump() + "\n";
    write_file_atomic(results_path, text);
  }
  // Finished pairs, by task id and method (config.json pins the task list).
  std::set<std::pair<std::string, std::string>> done;
  for (const BenchRow& r : existing) done.emplace(r.task, r.method);

  std::vector<const BenchTask*> shard;
  for (const BenchTask& t : set.tasks)
    if (static_cast<int>(t.index % static_cast<std::size_t>(opts.shard_count)) == opts.shard_index)
      shard.push_back(&t);
  info.tasks = shard.size();

  BenchProgress p;
  p.total = shard.size() * opts.methods.size();
  std::set<std::string> shard_ids;
  for (const BenchTask* t : shard) shard_ids.insert(t->id);
  for (const BenchRow& r : existing)
    if (shard_ids.count(r.task)) {
      ++p.done;
      p.solved += r.solved;
    }
  info.rows_resumed = p.done;
  if (progress) progress(p);

  if (p.done < p.total) {
    std::vector<std::unique_ptr<Synthesizer>> synths = make_synthesizers(opts);
    std::ofstream out(results_path, std::ios::app | std::ios::binary);
    if (!out) throw BenchError("cannot append to '" + results_path + "'");
    for (const BenchTask* t : shard) {
      for (std::size_t m = 0; m < opts.methods.size(); ++m) {
        if (done.count({t->id, opts.methods[m]})) continue;
        const BenchRow row = solve_task(solve_with(*synths[m]), opts.methods[m], *t);
        out << row_to_json(row).dump() + "\n";  // one write per row
        out.flush();
        if (!out) throw BenchError("cannot append to '" + results_path + "'");
        ++info.rows_run;
        ++p.done;
        p.solved += row.solved;
        if (progress) progress(p);
      }
    }
  }
  write_report(out_dir);
  return info;
}

std::vector<SignatureLine> run_signature(const BenchOptions& base) {
  BenchOptions opts = base;
  opts.task_files.clear();
  opts.suite = "signature";
  opts.timeout_s = 0;
  if (opts.max_nodes == 0) opts.max_nodes = kSignatureNodes;
  opts.holdout = 0;
  opts.shard_index = 0;
  opts.shard_count = 1;
  validate(opts);
  const BenchTaskSet set = load_bench_tasks(opts);
  std::vector<std::unique_ptr<Synthesizer>> synths = make_synthesizers(opts);
  std::vector<SignatureLine> lines;
  for (std::size_t m = 0; m < opts.methods.size(); ++m) {
    SignatureLine line;
    line.method = opts.methods[m];
    for (const BenchTask& t : set.tasks) {
      const BenchRow row = solve_task(solve_with(*synths[m]), line.method, t);
      line.nodes += row.nodes;
      line.solved += row.solved;
      ++line.tasks;
    }
    lines.push_back(line);
  }
  return lines;
}

}  // namespace npeps
