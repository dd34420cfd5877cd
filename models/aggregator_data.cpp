#include "models/aggregator_data.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <unordered_set>

#include "datasets/task.h"
#include "dsl/parser.h"
#include "dsl/printer.h"
#include "models/pccoder_policy.h"
#include "search/per_example_search.h"

namespace npeps {
namespace {

// Ids of the instances already in `path`; makes sure the file ends with a
// newline (a line cut by a crash is left as an invalid line).
std::unordered_set<std::string> done_ids(const std::string& path) {
  std::unordered_set<std::string> ids;
  std::ifstream in(path, std::ios::binary);
  if (!in) return ids;
  std::string line;
  bool last_complete = true;
  while (std::getline(in, line)) {
    last_complete = !in.eof();
    if (line.empty()) continue;
    try {
      const nlohmann::json j = nlohmann::json::parse(line);
      if (j.contains("pe_solutions") && j.contains("id") && j["id"].is_string())
        ids.insert(j["id"].get<std::string>());
    } catch (const nlohmann::json::exception&) {
    }
  }
  if (!last_complete) std::ofstream(path, std::ios::app) << '\n';
  return ids;
}

}  // namespace

AggregatorDataReport generate_aggregator_data(const AggregatorDataOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  if (o.tasks_path.empty() || o.out_path.empty() || o.pe_checkpoint.empty())
    throw AggregatorDataError(
        "aggregator data: tasks, output and PE checkpoint paths are required");
  if (o.threads < 1) throw AggregatorDataError("aggregator data: threads must be >= 1");
  if (o.max_nodes == 0 && !(o.min_budget_s > 0 && o.max_budget_s >= o.min_budget_s))
    throw AggregatorDataError("aggregator data: need 0 < min budget <= max budget");
  if (o.max_nodes > 0 && (o.min_nodes < 1 || o.min_nodes > o.max_nodes))
    throw AggregatorDataError("aggregator data: need 1 <= min nodes <= max nodes");
  if (!std::filesystem::exists(o.tasks_path))
    throw AggregatorDataError("aggregator data: '" + o.tasks_path + "' does not exist");
  load_policy(o.pe_checkpoint, 1);  // fail early (CheckpointError) on a bad model

  AggregatorDataReport report;
  std::vector<std::string> errors;
  std::vector<Task> tasks = load_tasks(o.tasks_path, &errors);
  report.invalid = errors.size();
  if (o.max_tasks > 0 && tasks.size() > o.max_tasks) tasks.resize(o.max_tasks);
  keep_search_examples(tasks);
  const std::unordered_set<std::string> done = done_ids(o.out_path);
  // Index in the file (seeds the draw) of each task still to do.
  std::vector<std::size_t> todo;
  if (o.shard_count < 1 || o.shard_index < 0 || o.shard_index >= o.shard_count)
    throw AggregatorDataError("aggregator data: shard index must be in 0 .. count - 1");
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (i % static_cast<std::size_t>(o.shard_count) != static_cast<std::size_t>(o.shard_index))
      continue;
    if (!tasks[i].program) {
      ++report.invalid;
      continue;
    }
    ++report.tasks_in_file;
    if (done.count(tasks[i].id))
      ++report.already_done;
    else
      todo.push_back(i);
  }

  std::ofstream out(o.out_path, std::ios::app);
  if (!out) throw AggregatorDataError("aggregator data: cannot write '" + o.out_path + "'");
  std::mutex mu;
  std::size_t processed = 0, with_solutions = 0, full = 0;
  set_torch_threads(1);
  tbb::enumerable_thread_specific<std::unique_ptr<Policy>> policies(
      [&] { return load_policy(o.pe_checkpoint, 1); });
  tbb::task_arena arena(o.threads);
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, todo.size(), [&](std::size_t n) {
      const std::size_t index = todo[n];
      const Task& task = tasks[index];
      std::mt19937_64 rng(o.seed * 0x9E3779B97F4A7C15ULL + index);
      PerExampleOptions pe;
      pe.threads = 1;
      pe.max_solutions = o.max_solutions;
      pe.beam = o.beam;
      nlohmann::json j = task_to_json(task);
      if (o.max_nodes > 0) {
        pe.budget_s = 1e6;
        pe.max_nodes = std::uniform_int_distribution<std::uint64_t>(o.min_nodes, o.max_nodes)(rng);
        j["pe_max_nodes"] = pe.max_nodes;
      } else {
        pe.budget_s = std::uniform_real_distribution<double>(o.min_budget_s, o.max_budget_s)(rng);
        j["pe_budget_s"] = pe.budget_s;
      }
      Policy* policy = policies.local().get();
      const PerExampleResult r = per_example_search(
          task.examples, std::span<Policy* const>(&policy, 1), pe, SearchLimits{});
      nlohmann::json sols = nlohmann::json::array();
      for (const PESolution& s : r.solutions) {
        nlohmann::json sat = nlohmann::json::array();
        for (bool b : s.satisfied) sat.push_back(b);
        sols.push_back({{"example", s.example},
                        {"program", to_compact(s.program)},
                        {"satisfied", sat},
                        {"score", s.score}});
      }
      j["pe_solutions"] = std::move(sols);
      j["full"] = r.full_solution.has_value();
      const std::string line = j.dump();
      std::lock_guard<std::mutex> lock(mu);
      out << line << '\n';
      out.flush();
      ++processed;
      if (!r.solutions.empty()) ++with_solutions;
      if (r.full_solution) ++full;
      if (o.progress) o.progress(processed, todo.size(), with_solutions);
    });
  });
  if (!out) throw AggregatorDataError("aggregator data: failed writing '" + o.out_path + "'");
  report.processed = processed;
  report.with_solutions = with_solutions;
  report.full = full;
  report.time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (report.time_s > 0) {
    report.tasks_per_s = processed / report.time_s;
    report.instances_per_s = with_solutions / report.time_s;
  }
  return report;
}

std::vector<AggregatorInstance> load_aggregator_instances(const std::string& path,
                                                          std::vector<std::string>* errors) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw AggregatorDataError("cannot read aggregator instances '" + path + "'");
  std::vector<AggregatorInstance> out;
  std::string line;
  std::size_t n = 0;
  auto fail = [&](const std::string& why) {
    if (errors) errors->push_back(path + ":" + std::to_string(n) + ": " + why);
  };
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      const nlohmann::json j = nlohmann::json::parse(line);
      Task t = task_from_json(j, "line " + std::to_string(n));
      if (!t.program) {
        fail("no reference program");
        continue;
      }
      if (!j.contains("pe_solutions") || !j["pe_solutions"].is_array()) {
        fail("no pe_solutions array");
        continue;
      }
      AggregatorInstance inst;
      inst.id = t.id;
      inst.examples = std::move(t.examples);
      inst.program = std::move(*t.program);
      inst.full = j.value("full", false);
      for (const auto& s : j["pe_solutions"]) {
        PEProgram p;
        p.program = parse_compact(s.at("program").get<std::string>());
        p.score = s.at("score").get<double>();
        inst.solutions.push_back(std::move(p));
        inst.solution_example.push_back(s.value("example", -1));
      }
      out.push_back(std::move(inst));
    } catch (const nlohmann::json::exception& e) {
      fail(std::string("bad JSON: ") + e.what());
    } catch (const TaskError& e) {
      fail(e.what());
    } catch (const ParseError& e) {
      fail(std::string("bad PE program: ") + e.what());
    } catch (const ProgramError& e) {
      fail(std::string("bad PE program: ") + e.what());
    }
  }
  return out;
}

}  // namespace npeps
