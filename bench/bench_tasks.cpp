#include "bench/bench_tasks.h"

#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "datasets/generator.h"

namespace npeps {
namespace {

constexpr std::uint64_t kSignatureSeed =
    20211206;  // fixed: the signature must not move with --seed
constexpr std::size_t kSignaturePerLength = 10;
constexpr int kSuiteExamples = 5;  // examples the solver sees in a suite task

}  // namespace

std::vector<int> suite_lengths(const std::string& suite) {
  if (suite == "e1") return {4};
  if (suite == "e2") return {5, 8, 10, 12, 14};
  if (suite == "signature") return {3, 4};
  throw BenchError("unknown suite '" + suite + "' (known: e1, e2, signature)");
}

std::vector<Task> build_suite(const BenchOptions& opts) {
  GeneratorOptions g;
  g.lengths = suite_lengths(opts.suite);
  const bool signature = opts.suite == "signature";
  g.programs_per_length = signature ? kSignaturePerLength : opts.suite_size;
  g.seed = signature ? kSignatureSeed : opts.seed;
  g.num_examples = kSuiteExamples + opts.holdout;
  g.threads = opts.generator_threads;
  std::vector<Task> exclude;
  if (!opts.exclude_file.empty()) {
    if (!std::filesystem::exists(opts.exclude_file))
      throw BenchError("--exclude: no such file '" + opts.exclude_file + "'");
    std::vector<std::string> errors;
    exclude = load_tasks(opts.exclude_file, &errors);
    g.exclude = &exclude;
  }
  try {
    return generate(g);
  } catch (const GeneratorError& e) {
    throw BenchError(std::string("suite generation: ") + e.what());
  }
}

std::string tasks_fingerprint(const std::vector<Task>& tasks) {
  std::uint64_t h = 14695981039346656037ull;
  auto mix = [&h](const std::string& s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  for (const Task& t : tasks) {
    mix(task_to_json(t).dump());
    mix("\n");
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::vector<BenchTask> split_holdout(const std::vector<Task>& tasks, int holdout) {
  std::vector<BenchTask> out;
  out.reserve(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const Task& t = tasks[i];
    const int n = static_cast<int>(t.examples.size());
    if (n <= holdout)
      throw BenchError("task \"" + t.id + "\" has " + std::to_string(n) + " examples; --holdout " +
                       std::to_string(holdout) + " needs at least " + std::to_string(holdout + 1));
    BenchTask b;
    b.index = i;
    b.id = t.id;
    if (t.program) b.ref_len = static_cast<int>(t.program->statements.size());
    b.visible.assign(t.examples.begin(), t.examples.end() - holdout);
    b.hidden.assign(t.examples.end() - holdout, t.examples.end());
    out.push_back(std::move(b));
  }
  return out;
}

BenchTaskSet load_bench_tasks(const BenchOptions& opts) {
  BenchTaskSet set;
  std::vector<Task> tasks;
  if (opts.task_files.empty()) {
    tasks = build_suite(opts);
    set.source = opts.suite == "signature"
                     ? "suite signature (" + std::to_string(tasks.size()) + " tasks, fixed seed)"
                     : "suite " + opts.suite + " (" + std::to_string(opts.suite_size) +
                           " per length, seed " + std::to_string(opts.seed) + ")";
  } else {
    std::vector<std::vector<Task>> per_file;
    std::map<std::string, int> id_count;
    for (const std::string& path : opts.task_files) {
      if (!std::filesystem::exists(path)) throw BenchError("--tasks: no such file '" + path + "'");
      std::vector<std::string> errors;
      per_file.push_back(load_tasks(path, &errors));
      for (const std::string& e : errors) set.warnings.push_back(path + ": " + e);
      for (const Task& t : per_file.back()) ++id_count[t.id];
      set.source +=
          (set.source.empty() ? "" : ", ") + std::filesystem::path(path).filename().string();
    }
    for (std::size_t f = 0; f < per_file.size(); ++f) {
      const std::string prefix =
          std::filesystem::path(opts.task_files[f]).filename().string() + ":";
      for (Task& t : per_file[f]) {
        if (id_count[t.id] > 1) t.id = prefix + t.id;
        tasks.push_back(std::move(t));
      }
    }
    std::set<std::string> ids;
    for (const Task& t : tasks)
      if (!ids.insert(t.id).second)
        throw BenchError("task id \"" + t.id + "\" appears more than once");
  }
  if (tasks.empty()) throw BenchError("no valid tasks to run");
  set.fingerprint = tasks_fingerprint(tasks);
  set.tasks = split_holdout(tasks, opts.holdout);
  return set;
}

}  // namespace npeps
