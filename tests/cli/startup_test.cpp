// The light npeps (cli/neural_handoff.h): the program links no LibTorch and
// loads none for what needs no model, and what needs the models still
// works, in npeps-full.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/common/temp_files.h"

namespace {

// Standard output and error of a shell command.
std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

#ifdef NPEPS_WITH_TORCH
const std::string kLight = NPEPS_BINARY_DIR "/cli/npeps";

std::string sort_task() {
  static const npeps::test_support::TempFiles files("startup");
  const std::string path = files.path("sort.json");
  std::ofstream(path) << R"({"examples":[{"inputs":[[3,1,2]],"output":[1,2,3]},)"
                      << R"({"inputs":[[5,-1]],"output":[-1,5]}]})";
  return path;
}

TEST(CliStartup, TheLightProgramLinksNoTorch) {
  const std::string light = run("ldd " + kLight);
  EXPECT_NE(light.find("libc.so"), std::string::npos) << light;  // ldd ran
  EXPECT_EQ(light.find("libtorch"), std::string::npos) << light;
  const std::string full = run("ldd " NPEPS_BINARY_DIR "/cli/npeps-full");
  EXPECT_NE(full.find("libtorch"), std::string::npos) << full;
}

// LD_DEBUG=libs makes the dynamic loader name every library it loads.
TEST(CliStartup, OnlyTheCommandsThatNeedModelsLoadTorch) {
  const std::string task = sort_task();
  const std::vector<std::string> light_commands = {
      "--help", "synth --help", "synth " + task + " --method enum",
      "run --program 'LIST|SORT,0' --inputs '[[2,1]]'"};
  for (const std::string& args : light_commands) {
    const std::string out = run("LD_DEBUG=libs " + kLight + " " + args);
    EXPECT_EQ(out.find("libtorch"), std::string::npos) << args;
  }
  // A published method has no enumerator to start with: it hands over at once.
  const std::string neural =
      run("LD_DEBUG=libs " + kLight + " synth " + task + " --method pccoder-paper --timeout 5");
  EXPECT_NE(neural.find("libtorch"), std::string::npos);
  EXPECT_NE(neural.find("\"solved\":true"), std::string::npos)
      << neural.substr(neural.size() - 400);
  const std::string version = run(kLight + " --version");
  EXPECT_NE(version.find("BLAS"), std::string::npos) << version;
  EXPECT_NE(version.find("dense layer products: "), std::string::npos) << version;
  // A value of NPEPS_PANEL_GEMM it does not understand is named, not ignored.
  const std::string odd = run("NPEPS_PANEL_GEMM=fast " + kLight + " --version");
  EXPECT_NE(odd.find("NPEPS_PANEL_GEMM=fast not understood"), std::string::npos) << odd;
  const std::string off = run("NPEPS_PANEL_GEMM=off " + kLight + " --version");
  EXPECT_NE(off.find("dense layer products: torch (BLAS) (NPEPS_PANEL_GEMM=off)"),
            std::string::npos)
      << off;
  const std::string train = run(kLight + " train --help");
  EXPECT_NE(train.find("--epochs"), std::string::npos) << train;
}

// suites/e2_l8.jsonl's first task (a length-8 program): the phase's first
// step, the cheap lengths, does not find it.
std::string long_task() {
  static const npeps::test_support::TempFiles files("startup");
  const std::string path = files.path("long.json");
  std::ifstream in(NPEPS_SOURCE_DIR "/suites/e2_l8.jsonl");
  std::string line;
  std::getline(in, line);
  std::ofstream(path) << line;
  return path;
}

// One task from a file, with a method that has the exhaustive phase: the
// light program starts the phase itself; what its first step solves never
// loads LibTorch (api/solver.h, defer_neural_handoff).
TEST(CliStartup, OneTaskStartsThePhaseInTheLightProgram) {
  const std::string task = sort_task();
  for (const std::string& method : {std::string(), std::string(" --method pccoder")}) {
    const std::string out = run("LD_DEBUG=libs " + kLight + " synth " + task + method);
    EXPECT_EQ(out.find("libtorch"), std::string::npos) << method;
    EXPECT_NE(out.find("\"solved\":true"), std::string::npos) << method;
  }
  // Read from standard input, the task could not be read again by
  // npeps-full: the light program hands over at once.
  const std::string piped = run("LD_DEBUG=libs " + kLight + " synth - --timeout 5 < " + task);
  EXPECT_NE(piped.find("libtorch"), std::string::npos);
  EXPECT_NE(piped.find("\"solved\":true"), std::string::npos) << piped.substr(piped.size() - 400);
  // Without a time limit too (the phase's first step would run twice).
  const std::string unlimited =
      run("LD_DEBUG=libs " + kLight + " synth " + task + " --timeout inf --max-nodes 100000");
  EXPECT_NE(unlimited.find("libtorch"), std::string::npos);
  EXPECT_NE(unlimited.find("\"solved\":true"), std::string::npos);
}

// A model file the method needs is missing: handed over at once, so the
// full build names it, however easy the task.
TEST(CliStartup, AMissingModelFileIsNamedWhateverTheTask) {
  static const npeps::test_support::TempFiles files("startup");
  const std::string dir = files.path("models");
  std::filesystem::create_directories(dir);
  for (const char* f : {"pccoder.ckpt", "pe.ckpt"})
    std::filesystem::copy_file(NPEPS_BINARY_DIR "/share/npeps/models/" + std::string(f),
                               dir + "/" + f, std::filesystem::copy_options::overwrite_existing);
  const std::string task = sort_task();
  const std::string pccoder =
      run("LD_DEBUG=libs " + kLight + " synth " + task + " --method pccoder --model-dir " + dir);
  EXPECT_EQ(pccoder.find("libtorch"), std::string::npos);
  EXPECT_NE(pccoder.find("\"solved\":true"), std::string::npos)
      << pccoder.substr(pccoder.size() - 400);
  const std::string npeps = run(kLight + " synth " + task + " --method npeps --model-dir " + dir);
  EXPECT_NE(npeps.find("aggregator.ckpt"), std::string::npos) << npeps;
  EXPECT_EQ(npeps.find("\"solved\":true"), std::string::npos) << npeps;
}

// Under a budget too short for loading LibTorch and searching after it,
// the guided step is skipped and the enumerator runs to the deadline; with
// enough left, the guided step runs in npeps-full.
TEST(CliStartup, TheGuidedStepLoadsTorchOnlyWithTimeForIt) {
  const std::string task = long_task();
  const std::string short_budget =
      run("LD_DEBUG=libs " + kLight + " synth " + task + " --timeout 1");
  EXPECT_EQ(short_budget.find("libtorch"), std::string::npos);
  EXPECT_NE(short_budget.find("\"model_calls\":0"), std::string::npos)
      << short_budget.substr(short_budget.size() - 400);
  // Two INT inputs: no function applies, the enumerator rules out every
  // program at once, and nothing is left for the guided search.
  static const npeps::test_support::TempFiles files("startup");
  const std::string ints = files.path("ints.json");
  std::ofstream(ints)
      << R"({"examples":[{"inputs":[3,4],"output":7},{"inputs":[10,-2],"output":8}]})";
  const std::string none = run("LD_DEBUG=libs " + kLight + " synth " + ints + " --timeout 3");
  EXPECT_EQ(none.find("libtorch"), std::string::npos);
  EXPECT_NE(none.find("\"solved\":false"), std::string::npos) << none.substr(none.size() - 400);
  const std::string longer = run("LD_DEBUG=libs " + kLight + " synth " + task + " --timeout 3");
  EXPECT_NE(longer.find("libtorch"), std::string::npos);
  EXPECT_EQ(longer.find("\"model_calls\":0"), std::string::npos)
      << longer.substr(longer.size() - 400);
}
#endif

}  // namespace
