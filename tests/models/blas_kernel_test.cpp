// Run-time OpenBLAS kernel selection (models/blas_kernel.h): what npeps
// chooses, that the switch from the generic (Prescott) kernels happens, and
// that the network computes the same outputs with both.
#include "models/blas_kernel.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "models/pccoder_net.h"

namespace npeps {
namespace {

TEST(BlasKernel, PrefersAKnownCoreOrNone) {
  const std::string core = preferred_blas_core();
  EXPECT_TRUE(core.empty() || core == "SkylakeX" || core == "Haswell") << core;
}

// Child mode: with NPEPS_BLAS_PROBE set, build the network (which selects
// the kernels), then write the BLAS description and the network's outputs
// on a fixed batch to that file. Skipped otherwise.
TEST(BlasKernelProbe, WriteOutputs) {
  const char* path = std::getenv("NPEPS_BLAS_PROBE");
  if (!path) GTEST_SKIP() << "child mode only";
  PCCoderNet net(NetOptions{}, 7, false);
  EncodedBatch batch;
  batch.resize(40, 5);
  std::mt19937 rng(3);
  for (std::size_t i = 0; i < batch.tokens.size(); ++i)
    batch.tokens[i] = static_cast<std::int16_t>(
        i % kSlotWidth == 0 ? rng() % 3 : rng() % static_cast<unsigned>(kNumValueTokens));
  for (int b = 0; b < batch.batch; ++b)
    batch.example_count[b] = static_cast<std::int16_t>(1 + b % 5);
  NetOutput out;
  net.forward(batch, out);
  std::ofstream f(path);
  f << blas_description() << "\n";
  f.precision(9);
  for (float x : out.statement_logits) f << x << "\n";
}

struct ProbeRun {
  std::string blas;
  std::vector<double> logits;
};

std::string self_path() {
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  return n > 0 ? std::string(self, static_cast<std::size_t>(n)) : std::string();
}

// Runs this test binary again in child mode with the given environment.
ProbeRun run_probe(const std::string& env, const std::string& tag) {
  const std::string path =
      ::testing::TempDir() + "blas_probe_" + tag + "_" + std::to_string(::getpid()) + ".txt";
  const std::string cmd = env + " NPEPS_BLAS_PROBE=" + path + " " + self_path() +
                          " --gtest_filter=BlasKernelProbe.WriteOutputs > /dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  ProbeRun r;
  std::ifstream f(path);
  std::getline(f, r.blas);
  for (double x; f >> x;) r.logits.push_back(x);
  std::remove(path.c_str());
  return r;
}

// OPENBLAS_CORETYPE=Prescott makes OpenBLAS load its generic kernels, as it
// does by itself on a CPU it does not recognise; NPEPS_BLAS_CORE=auto then
// has npeps apply its cpuid rule over it. Tolerance: float32 sums in
// another order (the kernels block the products differently); logits are
// O(1), so 1e-3 is far above rounding noise and far below a real error.
TEST(BlasKernel, SwitchesAwayFromGenericKernelsWithTheSameOutputs) {
  const std::string chosen = preferred_blas_core();
  if (chosen.empty()) GTEST_SKIP() << "this CPU has no AVX2/FMA: npeps leaves OpenBLAS alone";
  const ProbeRun generic = run_probe("OPENBLAS_CORETYPE=Prescott", "generic");
  if (generic.blas == "not OpenBLAS") GTEST_SKIP() << "torch here does not use OpenBLAS";
  const ProbeRun fast = run_probe("OPENBLAS_CORETYPE=Prescott NPEPS_BLAS_CORE=auto", "auto");
  EXPECT_NE(generic.blas.find("core Prescott"), std::string::npos) << generic.blas;
  EXPECT_NE(fast.blas.find("core " + chosen), std::string::npos) << fast.blas;
  ASSERT_EQ(generic.logits.size(), 40u * 1298u);
  ASSERT_EQ(fast.logits.size(), generic.logits.size());
  double worst = 0;
  for (std::size_t i = 0; i < fast.logits.size(); ++i)
    worst = std::max(worst, std::abs(fast.logits[i] - generic.logits[i]));
  EXPECT_LT(worst, 1e-3);
  EXPECT_GT(worst, 0.0) << "the kernels did not change";
}

}  // namespace
}  // namespace npeps
