// End-to-end tests of the npeps binary: output, exit codes, and that
// malformed input yields exit 2 with a message, never a crash or a hang.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/common/temp_files.h"

namespace {

struct Outcome {
  int status = -1;   // exit status, or 128+signal
  std::string out;   // standard output
};

// Per-process paths: ctest runs the tests of this file in parallel processes.
std::string temp_path(const std::string& name) {
  static const npeps::test_support::TempFiles files("cli");
  return files.path(name);
}

// Runs `npeps ARGS` with standard error sent to a file. The 120 s cap only
// guards against a hang: a busy machine (or a sanitizer build) makes a
// command that takes 1 s idle take 20 s or more.
Outcome npeps(const std::string& args, const std::string& stdin_text = "") {
  const std::string in = temp_path("stdin");
  std::ofstream(in) << stdin_text;
  const std::string cmd = "timeout 120 " NPEPS_BINARY_DIR "/cli/npeps " + args + " < " + in +
                          " 2> " + temp_path("stderr");
  Outcome o;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) o.out.append(buf, n);
  const int st = pclose(p);
  o.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return o;
}

std::string last_stderr() {
  std::ifstream f(temp_path("stderr"));
  return std::string(std::istreambuf_iterator<char>(f), {});
}

std::string write_file(const std::string& name, const std::string& text) {
  const std::string p = temp_path(name);
  std::ofstream(p) << text;
  return p;
}

TEST(CliRun, PrintsOutputAsJson) {
  const Outcome o = npeps("run --program 'LIST|SORT,0' --inputs '[[3,1,2]]'");
  EXPECT_EQ(o.status, 0);
  EXPECT_EQ(o.out, "[1,2,3]\n");
}

TEST(CliRun, ReadableFormAndNullOutput) {
  const Outcome o = npeps("run --program \"$(printf 'a <- [int]\\nb <- HEAD a')\" --inputs '[[]]'");
  EXPECT_EQ(o.status, 0);
  EXPECT_EQ(o.out, "null\n");
}

TEST(CliRun, FailingStatementIsAnError) {
  const Outcome o = npeps("run --program 'LIST|MAP,**2,0' --inputs '[[100]]'");
  EXPECT_EQ(o.status, 1);
  EXPECT_NE(last_stderr().find("out of range"), std::string::npos) << last_stderr();
}

TEST(CliRun, BatchWritesOneLinePerCase) {
  const Outcome o = npeps("run --batch -",
                          "{\"program\":\"LIST|REVERSE,0\",\"inputs\":[[1,2]]}\n"
                          "not json\n"
                          "{\"program\":\"LIST|HEAD,0|ACCESS,1,0\",\"inputs\":[[]]}\n"
                          "{\"program\":\"LIST|BOGUS,0\",\"inputs\":[[1]]}\n");
  EXPECT_EQ(o.status, 0);
  std::vector<nlohmann::json> rows;
  size_t start = 0;
  for (size_t end; (end = o.out.find('\n', start)) != std::string::npos; start = end + 1)
    rows.push_back(nlohmann::json::parse(o.out.substr(start, end - start)));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0]["output"], nlohmann::json::parse("[2,1]"));
  EXPECT_TRUE(rows[1].contains("error"));
  EXPECT_TRUE(rows[2].contains("error"));  // ACCESS of a NULL index: null input
  EXPECT_TRUE(rows[3].contains("error"));
}

TEST(CliSynth, SolvesATaskAndPrintsBothForms) {
  const std::string task = write_file(
      "rev.json",
      R"({"id":"rev","examples":[{"inputs":[[1,2,3]],"output":[3,2,1]},{"inputs":[[5,-4]],"output":[-4,5]}]})");
  // A generous budget: it counts from process start, and start-up is slow on a busy machine.
  const Outcome o = npeps("synth " + task + " --method enum --timeout 30");
  ASSERT_EQ(o.status, 0) << last_stderr();
  const auto j = nlohmann::json::parse(o.out);
  EXPECT_EQ(j["id"], "rev");
  EXPECT_TRUE(j["solved"].get<bool>());
  EXPECT_EQ(j["method"], "enum");
  // Check the program it printed really works, via `npeps run`.
  const Outcome r = npeps("run --program '" + j["program"].get<std::string>() + "' --inputs '[[7,8,9]]'");
  EXPECT_EQ(r.out, "[9,8,7]\n");
  EXPECT_NE(j["readable"].get<std::string>().find("<-"), std::string::npos);
}

TEST(CliSynth, UnsolvableWithinBudgetExitsOne) {
  // Outputs unrelated to inputs: nothing short maps them.
  const std::string task = write_file(
      "noise.json",
      R"({"examples":[{"inputs":[[1]],"output":[9,-3,7,100]},{"inputs":[[2]],"output":[-70,4]},{"inputs":[[3]],"output":[55]}]})");
  const Outcome o = npeps("synth " + task + " --method enum --timeout 0.3");
  EXPECT_EQ(o.status, 1);
  EXPECT_FALSE(nlohmann::json::parse(o.out)["solved"].get<bool>());
}

// The budget of `npeps synth --timeout T` counts from the process's start,
// start-up and model loading included: the default method on an unsolvable
// task reports less than T of search (loading came first) and the process
// ends near T. Runs alone (Timing); the bound is generous for a busy machine.
TEST(CliSynthTiming, BudgetCountsFromProcessStart) {
#ifdef NPEPS_SANITIZED
  GTEST_SKIP() << "wall-clock accuracy is a normal build's test: sanitizers slow the code 5-20x";
#endif
  const std::string task = write_file(
      "noise2.json",
      R"({"examples":[{"inputs":[[1]],"output":[9,-3,7,100]},{"inputs":[[2]],"output":[-70,4]},{"inputs":[[3]],"output":[55]}]})");
  // At 3 s the light program hands over to npeps-full after its first share
  // (cli/neural_handoff.h), which loads LibTorch before it searches: the
  // search is shorter than the budget by that load. At 1 s the light
  // program searches alone, to the same deadline.
  for (const double budget : {3.0, 1.0}) {
    const auto start = std::chrono::steady_clock::now();
    const Outcome o = npeps("synth " + task + " --timeout " + std::to_string(budget));
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(o.status, 1) << last_stderr();
    const double searched = nlohmann::json::parse(o.out)["time_s"].get<double>();
    EXPECT_LT(searched, budget == 3.0 ? budget - 0.1 : budget + 0.05) << budget;
    EXPECT_LT(wall, budget + 0.6) << budget;
  }
}

TEST(CliSynth, MalformedInputsExitTwoWithAMessage) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "JSON"},
      {"{\"examples\": []}", "example"},
      {"{\"examples\": [{\"inputs\": [[1.5]], \"output\": 1}]}", "inputs"},
      {"{\"examples\": [{\"inputs\": [[1]], \"output\": 999}]}", "output"},
      {"{\"examples\": [{\"inputs\": [[1]], \"output\": \"x\"}]}", "output"},
      {"{\"examples\": [{\"inputs\": [1, 2, 3, 4], \"output\": 1}]}", "inputs"},
      {"{\"examples\": [{\"inputs\": [[1]], \"output\": 1}, {\"inputs\": [1], \"output\": 1}]}",
       "example 2"},
      {"{\"examples\": [{\"inputs\": [[1]], \"output\": 1}", "JSON"},
  };
  for (const auto& [text, expect] : cases) {
    const Outcome o = npeps("synth - --method enum --timeout 1", text);
    EXPECT_EQ(o.status, 2) << text;
    EXPECT_NE(last_stderr().find(expect), std::string::npos) << text << " -> " << last_stderr();
  }
}

TEST(CliSynth, BadFlagsExitTwo) {
  EXPECT_EQ(npeps("synth - --method nosuch", "{}").status, 2);
  EXPECT_EQ(npeps("synth - --timeout -1", "{}").status, 2);
  EXPECT_EQ(npeps("synth /nonexistent/file.json").status, 2);
  EXPECT_EQ(npeps("frobnicate").status, 2);
}

TEST(CliSynth, BatchKeepsGoingPastBadLines) {
  const std::string tasks = write_file(
      "batch.jsonl",
      "{\"id\":\"a\",\"examples\":[{\"inputs\":[[1,2]],\"output\":[2,1]}]}\n"
      "{\"id\":\"b\",\"examples\":[{\"inputs\":[[1,2]],\"output\":[2,1]]}\n"
      "{\"examples\":[{\"inputs\":[[4,2]],\"output\":4}]}\n");
  const std::string out = temp_path("batch_out.jsonl");
  const Outcome o = npeps("synth --batch " + tasks + " --out " + out + " --method enum --timeout 1");
  EXPECT_EQ(o.status, 1);  // one line was invalid
  std::ifstream f(out);
  std::vector<nlohmann::json> rows;
  for (std::string line; std::getline(f, line);) rows.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]["id"], "a");
  EXPECT_TRUE(rows[0]["solved"].get<bool>());
  EXPECT_TRUE(rows[1].contains("error"));
  EXPECT_EQ(rows[2]["id"], "line 3");
  EXPECT_TRUE(rows[2]["solved"].get<bool>());
}

TEST(CliGenerate, WritesValidTasksDeterministically) {
  const std::string a = temp_path("gen_a.jsonl"), b = temp_path("gen_b.jsonl");
  ASSERT_EQ(npeps("generate --lengths 1-3 --programs 20 --seed 7 --threads 1 --out " + a).status, 0)
      << last_stderr();
  ASSERT_EQ(npeps("generate --lengths 1-3 --programs 20 --seed 7 --threads 2 --out " + b).status, 0);
  std::ifstream fa(a), fb(b);
  const std::string sa((std::istreambuf_iterator<char>(fa)), {}), sb((std::istreambuf_iterator<char>(fb)), {});
  EXPECT_EQ(sa, sb);
  EXPECT_EQ(std::count(sa.begin(), sa.end(), '\n'), 60);
  // Every generated task solves with its own program: run a few through synth's validator.
  const Outcome o = npeps("synth --batch " + a + " --method enum --timeout 2 --out " + temp_path("gen_res"));
  EXPECT_NE(o.status, 2);
}

std::string read_all(const std::string& path) {
  std::ifstream f(path);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

TEST(CliGenerate, ShardsMergeIntoTheSingleRun) {
  const std::string run = "generate --lengths 2,4 --programs 25 --seed 3 --mixture ";
  const std::string single = temp_path("single.jsonl");
  ASSERT_EQ(npeps(run + "--out " + single).status, 0) << last_stderr();
  std::string shards;
  for (int i = 0; i < 2; ++i) {
    const std::string s = temp_path("shard" + std::to_string(i) + ".jsonl");
    ASSERT_EQ(npeps(run + "--shard " + std::to_string(i) + "/2 --out " + s).status, 0) << last_stderr();
    shards = s + " " + shards;  // any order
  }
  const std::string merged = temp_path("merged.jsonl");
  ASSERT_EQ(npeps("generate merge " + shards + "--out " + merged).status, 0) << last_stderr();
  EXPECT_EQ(read_all(merged), read_all(single));
  EXPECT_EQ(npeps("generate merge " + temp_path("shard0.jsonl") + " --out " + merged).status, 2);
  EXPECT_EQ(npeps(run + "--shard 2/2 --out " + merged).status, 2);
}

TEST(CliGenerate, ExcludesSeveralFilesAndTakesDistributionFlags) {
  // a holds every length-2 behaviour (the length saturates: exit 1).
  const std::string a = temp_path("ex_a.jsonl"), b = temp_path("ex_b.jsonl");
  ASSERT_EQ(npeps("generate --lengths 2 --programs 3000 --seed 1 --out " + a).status, 1);
  ASSERT_EQ(npeps("generate --lengths 3 --programs 20 --seed 2 --out " + b).status, 0);
  const std::string c = temp_path("ex_c.jsonl");
  EXPECT_EQ(npeps("generate --lengths 2 --programs 40 --seed 3 --examples 2-4 "
                  "--value-scales=-10:10,0:5 --stats --exclude " + b + " " + a + " --out " + c)
                .status,
            1)
      << last_stderr();
  EXPECT_NE(last_stderr().find("function max/min"), std::string::npos);
  const std::string text = read_all(c);
  EXPECT_LT(std::count(text.begin(), text.end(), '\n'), 20);  // of 40: most excluded
  EXPECT_EQ(npeps("generate --examples 0-3 --out " + c).status, 2);
  EXPECT_EQ(npeps("generate --value-scales=5:1 --out " + c).status, 2);
}

// ---------------------------------------------------------------- issue 12

// The task of the issue: sum of the positive elements.
std::string g_task() {
  return write_file(
      "g.json",
      R"({"id":"g","examples":[{"inputs":[[3,-1,4]],"output":7},{"inputs":[[-2,-3]],"output":0}]})");
}

bool has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> rows;
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
    rows.push_back(nlohmann::json::parse(text.substr(start, end - start)));
  return rows;
}

TEST(CliHarden, ThreadsAreCappedAtADocumentedMaximum) {
  const std::string g = g_task();
  for (const char* n : {"65", "1000"}) {
    EXPECT_EQ(npeps("synth " + g + " --timeout 1 --threads " + std::string(n)).status, 2) << n;
    EXPECT_TRUE(has(last_stderr(), "at most 64 threads")) << last_stderr();
  }
  EXPECT_EQ(npeps("bench --suite e1 --timeout 1 --threads 100 --out " + temp_path("b")).status, 2);
  EXPECT_EQ(npeps("generate --programs 1 --threads 1000").status, 2);
  EXPECT_TRUE(has(last_stderr(), "at most 64 threads")) << last_stderr();
  const Outcome help = npeps("synth --help");
  EXPECT_TRUE(has(help.out, "<= 64")) << help.out;
}

TEST(CliHarden, HugeTimeoutsMeanNoLimit) {
  const std::string g = g_task();
  for (const char* t : {"inf", "1e10", "1e308"}) {
    const Outcome o = npeps("synth " + g + " --method enum --timeout " + std::string(t));
    ASSERT_EQ(o.status, 0) << t << ": " << last_stderr();
    const auto j = nlohmann::json::parse(o.out);
    EXPECT_TRUE(j["solved"].get<bool>()) << t;
    EXPECT_GT(j["stats"]["nodes"].get<long>(), 0) << t;
  }
  EXPECT_EQ(npeps("synth " + g + " --method enum --timeout nan").status, 2);
}

TEST(CliHarden, FailedWritesAreErrors) {
  const std::string g = g_task();
  EXPECT_EQ(npeps("synth " + g + " --method enum --timeout 2 > /dev/full").status, 2);
  EXPECT_TRUE(has(last_stderr(), "cannot write standard output")) << last_stderr();
  const std::string batch =
      write_file("full.jsonl", R"({"id":"a","examples":[{"inputs":[[1,2]],"output":[2,1]}]})"
                               "\n");
  EXPECT_EQ(npeps("synth --batch " + batch + " --method enum --timeout 2 --out /dev/full").status,
            2);
  EXPECT_TRUE(has(last_stderr(), "cannot write '/dev/full'")) << last_stderr();
  EXPECT_EQ(npeps("synth --batch " + batch + " --method enum --timeout 2 > /dev/full").status, 2);
  EXPECT_EQ(npeps("run --program 'LIST|SORT,0' --inputs '[[3,1,2]]' > /dev/full").status, 2);
  EXPECT_TRUE(has(last_stderr(), "cannot write standard output")) << last_stderr();
  EXPECT_EQ(npeps("run --batch - > /dev/full", "{\"program\":\"LIST|SORT,0\",\"inputs\":[[2,1]]}\n")
                .status,
            2);
  EXPECT_EQ(npeps("generate --programs 2 --lengths 1 > /dev/full").status, 2);
  EXPECT_EQ(npeps("generate --programs 2 --lengths 1 --out /dev/full").status, 2);
  EXPECT_TRUE(has(last_stderr(), "writing '/dev/full' failed")) << last_stderr();
  EXPECT_EQ(npeps("generate --programs 2 --lengths 1 --shard 0/2 --out /dev/full").status, 2);
  EXPECT_TRUE(has(last_stderr(), "cannot write the shard file")) << last_stderr();
}

TEST(CliHarden, DirectoriesAreNotInputs) {
  const std::string dir = ::testing::TempDir();
  for (const std::string& args : {"synth --batch " + dir + " --method enum", "run --batch " + dir,
                                  "synth " + dir + " --method enum"}) {
    EXPECT_EQ(npeps(args).status, 2) << args;
    EXPECT_TRUE(has(last_stderr(), "is a directory")) << args << ": " << last_stderr();
  }
}

TEST(CliHarden, UnsignedOptionsRefuseNegativeValues) {
  for (const std::string args :
       {"generate --programs -1", "generate --seed -1 --programs 1", "synth - --max-nodes -5",
        "bench --suite e1 --max-nodes -1 --out x", "train --data x --out y --max-tasks -1"}) {
    const Outcome o = npeps(args, "{}");
    EXPECT_EQ(o.status, 2) << args;
    EXPECT_TRUE(has(last_stderr(), "must not be negative")) << args << ": " << last_stderr();
  }
}

TEST(CliHarden, CorruptModelsAreNamedWithoutAStackTrace) {
  const std::string dir = temp_path("models");
  ASSERT_EQ(std::system(("mkdir -p " + dir).c_str()), 0);
  std::ifstream in(NPEPS_SOURCE_DIR "/assets/models/pccoder.ckpt", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  const std::size_t at = bytes.find("\"hidden_dim\":256");
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, 16, "\"hidden_dim\":999999999");
  std::ofstream(dir + "/pccoder.ckpt", std::ios::binary) << bytes;
  // pccoder-paper loads the model at once. pccoder starts its exhaustive
  // phase in the light program and reads the model only at the guided
  // step: an easy task is solved without it, a hard one names it.
  const std::string hard = write_file(
      "hard.json",
      R"({"examples":[{"inputs":[[1]],"output":[9,-3,7,100]},{"inputs":[[2]],"output":[-70,4]}]})");
  for (const std::string& args :
       {"synth " + g_task() + " --method pccoder-paper", "synth " + hard + " --method pccoder"}) {
    const Outcome o = npeps(args + " --timeout 3 --model-dir " + dir);
    EXPECT_EQ(o.status, 2) << args;
    const std::string err = last_stderr();
    EXPECT_TRUE(has(err, dir + "/pccoder.ckpt")) << err;
    EXPECT_TRUE(has(err, "hidden_dim")) << err;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  }
  EXPECT_EQ(npeps("synth " + g_task() + " --method pccoder --model-dir " + dir).status, 0);
}

TEST(CliHarden, EveryBatchLineGetsARowAndKnownIdsAreUsed) {
  const std::string tasks =
      write_file("rows.jsonl",
                 "{\"id\":\"a\",\"examples\":[{\"inputs\":[[1,2]],\"output\":[2,1]}]}\n"
                 "{\"id\":\"bad\",\"examples\":[]}\n"
                 "\n"
                 "{\"examples\":[{\"inputs\":[[4,2]],\"output\":4}]}\n"
                 "{\"id\":8,\"examples\":[]}\n");
  const Outcome o = npeps("synth --batch " + tasks + " --method enum --timeout 2");
  EXPECT_EQ(o.status, 1);
  const std::vector<nlohmann::json> rows = json_lines(o.out);
  ASSERT_EQ(rows.size(), 5u) << o.out;
  EXPECT_EQ(rows[4]["id"], "8");  // a numeric id, as the loader names it
  EXPECT_EQ(rows[0]["id"], "a");
  EXPECT_EQ(rows[1]["id"], "bad");
  EXPECT_TRUE(rows[1].contains("error"));
  EXPECT_EQ(rows[2]["id"], "line 3");
  EXPECT_TRUE(has(rows[2]["error"].get<std::string>(), "blank line"));
  EXPECT_EQ(rows[3]["id"], "line 4");
  EXPECT_TRUE(rows[3]["solved"].get<bool>());
  const Outcome r = npeps("run --batch -",
                          "{\"program\":\"LIST|SORT,0\",\"inputs\":[[2,1]]}\n\n"
                          "{\"program\":\"LIST|SORT,0\",\"inputs\":[[3,1]]}\n");
  const std::vector<nlohmann::json> run_rows = json_lines(r.out);
  ASSERT_EQ(run_rows.size(), 3u) << r.out;
  EXPECT_TRUE(has(run_rows[1]["error"].get<std::string>(), "line 2: blank line"));
  EXPECT_EQ(run_rows[2]["output"], nlohmann::json::parse("[1,3]"));
}

TEST(CliHarden, PreciseMessages) {
  using namespace std::string_literals;
  EXPECT_EQ(npeps("synth - --method enum", "{\"examples\":\0[]}"s).status, 2);
  EXPECT_TRUE(has(last_stderr(), "NUL byte at offset 12")) << last_stderr();
  EXPECT_EQ(npeps("run --program '' --inputs '[[1]]'").status, 2);
  EXPECT_TRUE(has(last_stderr(), "--program: empty value")) << last_stderr();
  EXPECT_EQ(npeps("run --program 'LIST|INT|TAKE,1,0' --inputs '[[1,2], [3]]'").status, 2);
  EXPECT_TRUE(has(last_stderr(), "input 2 is LIST, the program's input 2 is INT")) << last_stderr();
  EXPECT_EQ(npeps("frobnicate").status, 2);
  EXPECT_TRUE(has(last_stderr(), "unknown command 'frobnicate' (commands: run, synth"))
      << last_stderr();
  EXPECT_EQ(npeps("synth - --method ''", "{}").status, 2);
  EXPECT_TRUE(has(last_stderr(), "--method: empty value")) << last_stderr();
}

}  // namespace
