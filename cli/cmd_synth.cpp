// `npeps synth`: the main job, a thin client of npeps::Synthesizer.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "api/solver.h"
#include "cli/commands.h"
#include "cli/neural_handoff.h"
#include "cli/npeps_flags.h"
#include "cli/output_check.h"
#include "cli/process_clock.h"
#include "cli/progress.h"
#include "npeps/synthesizer.h"

namespace npeps::cli {
namespace {

// The result object (npeps::to_json); a memory-capped search and examples
// no program can fit are also told on standard error.
nlohmann::json result_json(const SynthesisResult& r) {
  const std::string id = r.id.empty() ? "task" : r.id;
  if (r.memory_capped)
    std::cerr << "npeps synth: " << id << ": stopped at the memory cap (--max-memory)\n";
  if (!r.unsolvable.empty())
    std::cerr << "npeps synth: " << id << ": " << r.unsolvable << ": no program fits them\n";
  return nlohmann::json::parse(to_json(r));
}

// The id a result row names: the task's own id when the line is a JSON
// object with one (even if the task is otherwise invalid), else `where`.
std::string row_id(const std::string& line, const std::string& where) {
  const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("id")) return where;
  const nlohmann::json& id = j["id"];
  if (id.is_string() && !id.get<std::string>().empty()) return id.get<std::string>();
  if (id.is_number()) return id.dump();  // as the loader names it (datasets/task.cpp)
  return where;
}

// The dataset's lines, every one of them (blank ones too, so that row N of
// the results is line N of the input); a final newline ends the last line.
std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// What the progress bar shows while a task runs: the facade's progress
// thread writes it (SynthesizerOptions::progress), the loop sets the bar.
class TaskStatus {
 public:
  void attach(ProgressBar* bar, std::size_t done, std::string note) {
    std::lock_guard lock(mu_);
    bar_ = bar;
    done_ = done;
    note_ = std::move(note);
  }
  bool report(const SynthesisProgress& p) {
    std::lock_guard lock(mu_);
    if (!bar_) return true;
    char live[96];
    const char* sep = note_.empty() ? "" : ", ";
    if (std::isfinite(p.budget_s))
      std::snprintf(live, sizeof live, "%stask %.1f/%.1f s, %.3g nodes", sep, p.elapsed_s,
                    p.budget_s, static_cast<double>(p.nodes));
    else
      std::snprintf(live, sizeof live, "%stask %.1f s, %.3g nodes", sep, p.elapsed_s,
                    static_cast<double>(p.nodes));
    bar_->update(done_, note_ + live);
    return true;
  }

 private:
  std::mutex mu_;
  ProgressBar* bar_ = nullptr;
  std::size_t done_ = 0;
  std::string note_;
};

// One result row per line; invalid and blank lines become {"id", "error"}
// rows and count as unsolved. A row that cannot be written stops the run.
int synth_batch(Synthesizer& synth, TaskStatus& status, const std::string& in_path,
                const std::string& out_path) {
  std::string text;
  try {
    text = read_input(in_path);
  } catch (const std::exception& e) {
    std::cerr << "npeps synth: " << e.what() << "\n";
    return 2;
  }
  const std::vector<std::string> lines = split_lines(text);
  std::ofstream file;
  std::ostream* out = &std::cout;
  std::string out_name = "standard output";
  if (!out_path.empty() && out_path != "-") {
    file.open(out_path);
    if (!file) {
      std::cerr << "npeps synth: cannot write '" << out_path << "'\n";
      return 2;
    }
    out = &file;
    out_name = "'" + out_path + "'";
  }
  ProgressBar bar("synth", lines.size(), "tasks");
  std::size_t solved = 0, invalid = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    status.attach(&bar, i, std::to_string(solved) + " solved");
    const std::string where = "line " + std::to_string(i + 1);
    nlohmann::json row;
    try {
      if (lines[i].find_first_not_of(" \t\r\f\v") == std::string::npos)
        throw InvalidInput(where + ": blank line, expected a task");
      const SynthesisResult r = synth.synthesize_json(lines[i], where);
      solved += r.solved;
      row = result_json(r);
    } catch (const InvalidInput& e) {
      ++invalid;
      std::cerr << "npeps synth: " << e.what() << "\n";
      row = {{"id", row_id(lines[i], where)}, {"solved", false}, {"error", e.what()}};
    }
    *out << row.dump() << '\n';
    if (!flushed(*out, "synth", out_name)) return 2;
    bar.update(i + 1, std::to_string(solved) + " solved");
  }
  status.attach(nullptr, 0, "");
  bar.finish();
  std::cerr << "npeps synth: solved " << solved << " of " << lines.size() << " tasks";
  if (invalid) std::cerr << " (" << invalid << " invalid)";
  std::cerr << "\n";
  return solved == lines.size() ? 0 : 1;
}

}  // namespace

void add_synth_command(CLI::App& app, int& exit_code) {
  struct Opts {
    std::string task, batch, out;
    SynthesizerOptions synth;
  };
  auto o = std::make_shared<Opts>();
  o->synth.method = Synthesizer::default_method();
  std::string methods;
  for (const std::string& m : Synthesizer::methods()) methods += (methods.empty() ? "" : ", ") + m;
  CLI::App* sub = app.add_subcommand("synth", "find a program that maps every input to its output");
  sub->add_option("task", o->task, "task JSON file, or - for standard input");
  sub->add_option("--batch", o->batch, "JSON Lines dataset: solve every task");
  sub->add_option("--out", o->out, "with --batch: results file (default: standard output)");
  sub->add_option("--method", o->synth.method, "search method: " + methods)->capture_default_str();
  sub->add_option("--timeout", o->synth.timeout_s,
                  "wall-clock budget per task, seconds (inf: no limit)")
      ->capture_default_str();
  sub->add_option("--threads", o->synth.threads, "worker threads per task")->capture_default_str();
  sub->add_option("--model-dir", o->synth.model_dir, "trained models (default: shipped models)");
  sub->add_option("--max-nodes", o->synth.max_nodes,
                  "node budget per task: the search stops unsolved past it (0: none)")
      ->capture_default_str();
  sub->add_option("--max-memory", o->synth.max_memory_mb,
                  "memory cap, MB: a search that would pass it stops unsolved (0: 3/4 of RAM)")
      ->capture_default_str();
  add_npeps_flags(sub, o->synth.npeps);
  sub->callback([o, &exit_code] {
    if (o->task.empty() == o->batch.empty())
      throw CLI::ValidationError("synth", "give one task file (or -), or --batch FILE");
    // Progress on standard error: the bar over a batch's tasks, or over
    // the one task, with the running task's time and nodes.
    auto status = std::make_shared<TaskStatus>();
    o->synth.progress = [status](const SynthesisProgress& p) { return status->report(p); };
    // One task from a file, under a deadline: the light build starts the
    // exhaustive phase itself (cli/neural_handoff.h). A batch loads the
    // models once, at once; so does a task on standard input, which the
    // full build must still be able to read, and a task without a time
    // limit, whose phase would otherwise run its first step twice.
    if (!o->task.empty() && o->task != "-" && o->synth.timeout_s < 1e6)
      defer_neural_handoff(kFullBuildMinBudgetS);
    std::unique_ptr<Synthesizer> synth;
    try {
      synth = std::make_unique<Synthesizer>(o->synth);
    } catch (const std::exception& e) {  // InvalidInput, ModelError
      std::cerr << "npeps synth: " << e.what() << "\n";
      exit_code = 2;
      return;
    }
    if (!o->batch.empty()) {
      exit_code = synth_batch(*synth, *status, o->batch, o->out);
      return;
    }
    try {
      // One task: the budget counts from the process's start (start-up and
      // model loading included); batches give every task its full budget.
      if (o->synth.timeout_s < 1e6)
        synth->set_deadline(process_start() +
                            std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                std::chrono::duration<double>(o->synth.timeout_s)));
      const std::string text = read_input(o->task);
      ProgressBar bar("synth", 1, "tasks");
      status->attach(&bar, 0, "");
      const SynthesisResult r = synth->synthesize_json(text, "task");
      status->attach(nullptr, 0, "");
      bar.finish();
      std::cout << result_json(r).dump() << "\n";
      exit_code = !stdout_flushed("synth") ? 2 : r.solved ? 0 : 1;
      // The answer is written and flushed, and nothing else is left to
      // write: end the process here. Tearing down the models and thread
      // pools takes ~0.13 s, past a --timeout that counts from the start.
      std::fflush(nullptr);
      std::_Exit(exit_code);
    } catch (const std::exception& e) {
      std::cerr << "npeps synth: " << e.what() << "\n";
      exit_code = 2;
    }
  });
}

}  // namespace npeps::cli
