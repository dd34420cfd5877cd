// End-to-end runs of the harness library under a node budget (so results
// are deterministic): resume after a truncated file and after a real
// SIGKILL, configuration checks, and merge(shards) == one run.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "bench/merge.h"
#include "bench/runner.h"
#include "datasets/generator.h"

namespace npeps {
namespace {

namespace fs = std::filesystem;

// Per process, so test processes run in parallel by ctest never share files.
std::string scratch_root() {
  return ::testing::TempDir() + "npeps_harness_" + std::to_string(getpid()) + "/";
}

std::string fresh_dir(const std::string& name) {
  const std::string d = scratch_root() + name;
  fs::remove_all(d);
  fs::create_directories(scratch_root());
  return d;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> lines_of(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// summary.json without its timing objects, plus report.md above "## Time".
std::string deterministic_outputs(const std::string& dir) {
  nlohmann::json s = nlohmann::json::parse(read_text(dir + "/summary.json"));
  for (auto& m : s["methods"]) m.erase("timing");
  std::string md = read_text(dir + "/report.md");
  const auto cut = md.find("\n## Time");
  EXPECT_NE(cut, std::string::npos);
  return s.dump(1) + "\n----\n" + md.substr(0, cut);
}

// The rows in canonical order without their wall times.
std::vector<std::string> rows_without_time(const std::string& dir,
                                           const std::vector<std::string>& methods) {
  std::vector<BenchRow> rows = read_rows(dir + "/results.jsonl");
  sort_rows(rows, methods);
  std::vector<std::string> out;
  for (BenchRow& r : rows) {
    r.time_s = 0;
    out.push_back(row_to_json(r).dump());
  }
  return out;
}

class HarnessRun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fs::create_directories(scratch_root());
    tasks_path_ = scratch_root() + "tasks.jsonl";
    GeneratorOptions g;
    g.lengths = {2, 3};
    g.programs_per_length = 7;
    g.seed = 11;
    g.threads = 1;
    {
      std::ofstream out(tasks_path_);
      for (const Task& t : generate(g)) out << task_to_json(t).dump() << "\n";
    }
    reference_ = fresh_dir("reference");
    const BenchRunInfo info = run_bench(options(), reference_);
    ASSERT_EQ(info.rows_run, info.tasks);
  }

  static void TearDownTestSuite() { fs::remove_all(scratch_root()); }

  static BenchOptions options() {
    BenchOptions o;
    o.task_files = {tasks_path_};
    o.methods = {"enum"};
    o.timeout_s = 0;
    o.max_nodes = 20000;
    return o;
  }

  static std::size_t task_count() { return lines_of(tasks_path_).size(); }

  static void expect_each_row_once(const std::string& dir) {
    std::map<std::pair<std::size_t, std::string>, int> seen;
    for (const BenchRow& r : read_rows(dir + "/results.jsonl")) ++seen[{r.index, r.method}];
    EXPECT_EQ(seen.size(), task_count());
    for (const auto& [key, n] : seen) EXPECT_EQ(n, 1) << "task " << key.first << " " << key.second;
  }

  static inline std::string tasks_path_, reference_;
};

TEST_F(HarnessRun, WritesAllOutputs) {
  EXPECT_GE(task_count(), 10u);
  for (const char* f :
       {"config.json", "results.jsonl", "summary.json", "report.md", "success_vs_time.svg"})
    EXPECT_TRUE(fs::exists(reference_ + "/" + f)) << f;
  expect_each_row_once(reference_);
  const std::string svg = read_text(reference_ + "/success_vs_time.svg");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("<polyline"), std::string::npos);
  EXPECT_NE(read_text(reference_ + "/report.md").find("| enum |"), std::string::npos);
  // Everything solved was re-checked; rows carry the reference length.
  for (const BenchRow& r : read_rows(reference_ + "/results.jsonl")) {
    EXPECT_FALSE(r.recheck_failed);
    EXPECT_TRUE(r.ref_len == 2 || r.ref_len == 3);
    EXPECT_LE(r.nodes, 20000u);
    EXPECT_EQ(r.solved, !r.program.empty());
  }
}

TEST_F(HarnessRun, SecondRunResumesEverything) {
  const std::string dir = fresh_dir("again");
  fs::copy(reference_, dir);
  const BenchRunInfo info = run_bench(options(), dir);
  EXPECT_EQ(info.rows_run, 0u);
  EXPECT_EQ(info.rows_resumed, task_count());
  expect_each_row_once(dir);
}

TEST_F(HarnessRun, ResumesAfterTruncationAndTornLine) {
  const std::vector<std::string> ref_lines = lines_of(reference_ + "/results.jsonl");
  for (std::size_t k : {std::size_t{0}, std::size_t{1}, ref_lines.size() / 2}) {
    const std::string dir = fresh_dir("trunc" + std::to_string(k));
    fs::create_directories(dir);
    fs::copy_file(reference_ + "/config.json", dir + "/config.json");
    {
      std::ofstream out(dir + "/results.jsonl", std::ios::binary);
      for (std::size_t i = 0; i < k; ++i) out << ref_lines[i] << "\n";
      out << ref_lines[k].substr(0, ref_lines[k].size() / 2);  // killed mid-write
    }
    const BenchRunInfo info = run_bench(options(), dir);
    EXPECT_EQ(info.rows_resumed, k);
    EXPECT_EQ(info.bad_lines, 1u);
    EXPECT_EQ(info.rows_run, ref_lines.size() - k);
    expect_each_row_once(dir);
    EXPECT_EQ(deterministic_outputs(dir), deterministic_outputs(reference_));
    EXPECT_EQ(rows_without_time(dir, {"enum"}), rows_without_time(reference_, {"enum"}));
  }
}

TEST_F(HarnessRun, ResumesAfterRealKill) {
  const std::string dir = fresh_dir("killed");
  const std::string results = dir + "/results.jsonl";
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Slow each row down so the parent can kill the run mid-way.
    try {
      run_bench(options(), dir, [](const BenchProgress&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
      });
    } catch (...) {
      _exit(3);
    }
    _exit(0);
  }
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < give_up &&
         (!fs::exists(results) || lines_of(results).size() < 3))
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_EQ(kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run finished before it could be killed";
  const std::size_t before = read_rows(results).size();
  EXPECT_GE(before, 3u);
  EXPECT_LT(before, task_count());

  const BenchRunInfo info = run_bench(options(), dir);
  EXPECT_EQ(info.rows_resumed, before);
  EXPECT_EQ(info.rows_run, task_count() - before);
  expect_each_row_once(dir);
  EXPECT_EQ(deterministic_outputs(dir), deterministic_outputs(reference_));
}

TEST_F(HarnessRun, RefusesADifferentConfiguration) {
  const std::string dir = fresh_dir("mismatch");
  fs::copy(reference_, dir);
  BenchOptions o = options();
  o.max_nodes = 1234;
  try {
    run_bench(o, dir);
    FAIL() << "expected BenchError";
  } catch (const BenchError& e) {
    EXPECT_NE(std::string(e.what()).find("max_nodes"), std::string::npos) << e.what();
  }
  o = options();
  o.shard_index = 1;
  o.shard_count = 2;
  EXPECT_THROW(run_bench(o, dir), BenchError);
  // Results without a config are never mixed into.
  const std::string orphan = fresh_dir("orphan");
  fs::create_directories(orphan);
  fs::copy_file(reference_ + "/results.jsonl", orphan + "/results.jsonl");
  EXPECT_THROW(run_bench(options(), orphan), BenchError);
}

TEST_F(HarnessRun, MergedShardsEqualOneRun) {
  std::vector<std::string> shards;
  std::size_t total = 0;
  for (int i = 0; i < 3; ++i) {
    BenchOptions o = options();
    o.shard_index = i;
    o.shard_count = 3;
    shards.push_back(fresh_dir("shard" + std::to_string(i)));
    total += run_bench(o, shards.back()).tasks;
    for (const BenchRow& r : read_rows(shards.back() + "/results.jsonl"))
      EXPECT_EQ(r.index % 3, static_cast<std::size_t>(i));
  }
  EXPECT_EQ(total, task_count());
  const std::string merged = fresh_dir("merged");
  merge_bench({shards[2], shards[0], shards[1]}, merged);
  EXPECT_EQ(read_text(merged + "/config.json"), read_text(reference_ + "/config.json"));
  EXPECT_EQ(deterministic_outputs(merged), deterministic_outputs(reference_));
  EXPECT_EQ(rows_without_time(merged, {"enum"}), rows_without_time(reference_, {"enum"}));
  // A shard's own report covers only its slice.
  EXPECT_NE(deterministic_outputs(shards[0]), deterministic_outputs(reference_));

  EXPECT_THROW(merge_bench({shards[0], shards[1]}, fresh_dir("partial")), BenchError);
  EXPECT_NO_THROW(merge_bench({shards[0], shards[1]}, fresh_dir("partial_ok"), MergeOptions{true}));
  EXPECT_NE(read_text(scratch_root() + "partial_ok/report.md").find("Incomplete"),
            std::string::npos);
  EXPECT_THROW(merge_bench({shards[0], shards[0], shards[1], shards[2]}, fresh_dir("dup")),
               BenchError);
  EXPECT_THROW(merge_bench({shards[0], reference_}, fresh_dir("mixed")), BenchError);
}

TEST_F(HarnessRun, SignatureIsDeterministic) {
  BenchOptions o;
  o.methods = {"enum"};
  o.max_nodes = 5000;
  const std::vector<SignatureLine> a = run_signature(o);
  const std::vector<SignatureLine> b = run_signature(o);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].tasks, 20u);
  EXPECT_GT(a[0].nodes, 0u);
  EXPECT_LE(a[0].nodes, 20u * 5000);
  EXPECT_EQ(a[0].nodes, b[0].nodes);
  EXPECT_EQ(a[0].solved, b[0].solved);
}

}  // namespace
}  // namespace npeps
