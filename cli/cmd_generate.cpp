// `npeps generate`: random programs with examples, deduplicated by behaviour.
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/progress.h"
#include "datasets/generator.h"

namespace npeps::cli {
namespace {

// "1-4" -> {1,2,3,4}; "4,8,12" -> {4,8,12}; "5" -> {5}.
std::vector<int> parse_lengths(const std::string& s) {
  std::vector<int> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, ',')) {
    const auto dash = part.find('-');
    try {
      if (dash == std::string::npos) {
        out.push_back(std::stoi(part));
      } else {
        const int a = std::stoi(part.substr(0, dash)), b = std::stoi(part.substr(dash + 1));
        for (int l = a; l <= b; ++l) out.push_back(l);
      }
    } catch (const std::exception&) {
      throw CLI::ValidationError("--lengths", "expected e.g. 1-4 or 4,8,12, got '" + s + "'");
    }
  }
  for (int l : out)
    if (l < 1 || l > 30) throw CLI::ValidationError("--lengths", "lengths must be in 1..30");
  if (out.empty()) throw CLI::ValidationError("--lengths", "no lengths given");
  return out;
}

void write_tasks(const std::vector<Task>& tasks, const std::string& path) {
  std::ofstream f;
  std::ostream* out = &std::cout;
  if (path != "-") {
    f.open(path);
    if (!f) throw std::runtime_error("cannot write '" + path + "'");
    out = &f;
  }
  for (const Task& t : tasks) *out << task_to_json(t).dump() << '\n';
}

}  // namespace

void add_generate_command(CLI::App& app, int& exit_code) {
  struct Opts {
    std::string lengths = "4", out = "-", exclude, per_example;
    GeneratorOptions gen;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* sub = app.add_subcommand("generate", "generate a dataset of random programs and examples");
  sub->add_option("--lengths", o->lengths, "program lengths, e.g. 1-4 or 5,8,12")->capture_default_str();
  sub->add_option("--programs", o->gen.programs_per_length, "deduplicated programs per length")
      ->capture_default_str();
  sub->add_option("--examples", o->gen.num_examples, "examples per program (1..10)")
      ->capture_default_str()->check(CLI::Range(1, 10));
  sub->add_option("--max-inputs", o->gen.max_inputs, "inputs per program (1..3)")
      ->capture_default_str()->check(CLI::Range(1, 3));
  sub->add_option("--seed", o->gen.seed, "random seed (same seed, same dataset)")->capture_default_str();
  sub->add_option("--threads", o->gen.threads, "worker threads (0 = all cores)")->capture_default_str();
  sub->add_option("--out", o->out, "output JSON Lines file (- for standard output)")->capture_default_str();
  sub->add_option("--exclude", o->exclude,
                  "JSON Lines file(s), comma-separated, whose programs' behaviours are excluded "
                  "(makes a test split disjoint from training)");
  sub->add_option("--per-example", o->per_example,
                  "also write the per-example (one-example) variants to this file");
  sub->callback([o, &exit_code] {
    o->gen.lengths = parse_lengths(o->lengths);
    std::vector<Task> exclude;
    if (!o->exclude.empty()) {
      std::stringstream ss(o->exclude);
      std::string path;
      while (std::getline(ss, path, ',')) {
        std::vector<std::string> errors;
        std::vector<Task> ts = load_tasks(path, &errors);
        for (const std::string& e : errors) std::cerr << "npeps generate: " << path << ": " << e << "\n";
        exclude.insert(exclude.end(), std::make_move_iterator(ts.begin()),
                       std::make_move_iterator(ts.end()));
      }
      o->gen.exclude = &exclude;
    }
    const std::size_t wanted = o->gen.programs_per_length * o->gen.lengths.size();
    ProgressBar bar("generate", wanted, "programs");
    o->gen.progress = [&bar](std::size_t done, std::size_t) { bar.update(done); };
    const auto start = std::chrono::steady_clock::now();
    std::vector<Task> tasks = generate(o->gen);
    bar.finish();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    write_tasks(tasks, o->out);
    if (!o->per_example.empty()) write_tasks(per_example_variants(tasks), o->per_example);
    std::cerr << "npeps generate: " << tasks.size() << " programs in " << secs << " s ("
              << (secs > 0 ? tasks.size() / secs : 0) << " programs/s)\n";
    exit_code = tasks.size() == wanted ? 0 : 1;
  });
}

}  // namespace npeps::cli
