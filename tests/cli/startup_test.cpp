// The light npeps (cli/neural_handoff.h): the program links no LibTorch and
// loads none for what needs no model, and what needs the models still
// works, in npeps-full.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
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
  const std::string neural =
      run("LD_DEBUG=libs " + kLight + " synth " + task + " --method pccoder --timeout 5");
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
#endif

}  // namespace
