// `npeps synth`: the main job, a thin client of npeps::Synthesizer.
#include <fstream>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/progress.h"
#include "npeps/synthesizer.h"

namespace npeps::cli {
namespace {

nlohmann::json result_json(const SynthesisResult& r) {
  nlohmann::json j;
  j["id"] = r.id;
  j["solved"] = r.solved;
  j["program"] = r.solved ? nlohmann::json(r.program) : nlohmann::json(nullptr);
  j["readable"] = r.solved ? nlohmann::json(r.readable) : nlohmann::json(nullptr);
  j["method"] = r.method;
  j["time_s"] = std::round(r.time_s * 1e4) / 1e4;
  j["stats"] = {{"nodes", r.nodes}, {"checks", r.checks}, {"model_calls", r.model_calls}};
  return j;
}

// One task per line; invalid lines become {"id", "error"} rows and count as unsolved.
int synth_batch(Synthesizer& synth, const std::string& in_path, const std::string& out_path) {
  std::string text;
  try {
    text = read_input(in_path);
  } catch (const std::exception& e) {
    std::cerr << "npeps synth: " << e.what() << "\n";
    return 2;
  }
  std::vector<std::pair<std::size_t, std::string>> lines;
  std::size_t start = 0, number = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    ++number;
    std::string line = text.substr(start, end - start);
    if (line.find_first_not_of(" \t\r") != std::string::npos) lines.emplace_back(number, line);
    start = end + 1;
  }
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (!out_path.empty() && out_path != "-") {
    file.open(out_path);
    if (!file) {
      std::cerr << "npeps synth: cannot write '" << out_path << "'\n";
      return 2;
    }
    out = &file;
  }
  ProgressBar bar("synth", lines.size(), "tasks");
  std::size_t solved = 0, invalid = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string where = "line " + std::to_string(lines[i].first);
    try {
      const SynthesisResult r = synth.synthesize_json(lines[i].second, where);
      solved += r.solved;
      *out << result_json(r).dump() << '\n';
    } catch (const InvalidInput& e) {
      ++invalid;
      std::cerr << "npeps synth: " << e.what() << "\n";
      *out << nlohmann::json{{"id", where}, {"solved", false}, {"error", e.what()}}.dump() << '\n';
    }
    out->flush();
    bar.update(i + 1, std::to_string(solved) + " solved");
  }
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
  sub->add_option("--timeout", o->synth.timeout_s, "wall-clock budget per task, seconds")
      ->capture_default_str();
  sub->add_option("--threads", o->synth.threads, "worker threads per task")->capture_default_str();
  sub->add_option("--model-dir", o->synth.model_dir, "trained models (default: shipped models)");
  sub->add_option("--seed", o->synth.seed, "random seed")->capture_default_str();
  sub->add_option("--alpha", o->synth.alpha,
                  "N-PEPS methods: weight of the PE-based policy against the global one")
      ->capture_default_str();
  sub->add_option("--pe-budget", o->synth.pe_budget_s,
                  "N-PEPS methods: wall budget of each example's PE search, seconds")
      ->capture_default_str();
  sub->add_option("--pe-solutions", o->synth.max_pe_solutions,
                  "N-PEPS methods: PE solutions handed to the global search")
      ->capture_default_str();
  sub->callback([o, &exit_code] {
    if (o->task.empty() == o->batch.empty())
      throw CLI::ValidationError("synth", "give one task file (or -), or --batch FILE");
    std::unique_ptr<Synthesizer> synth;
    try {
      synth = std::make_unique<Synthesizer>(o->synth);
    } catch (const InvalidInput& e) {
      std::cerr << "npeps synth: " << e.what() << "\n";
      exit_code = 2;
      return;
    }
    if (!o->batch.empty()) {
      exit_code = synth_batch(*synth, o->batch, o->out);
      return;
    }
    try {
      const SynthesisResult r = synth->synthesize_json(read_input(o->task), "task");
      std::cout << result_json(r).dump() << "\n";
      exit_code = r.solved ? 0 : 1;
    } catch (const std::exception& e) {
      std::cerr << "npeps synth: " << e.what() << "\n";
      exit_code = 2;
    }
  });
}

}  // namespace npeps::cli
