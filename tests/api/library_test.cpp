// The pieces of the public library shared by the CLI, the C API and the
// Python module: the models' directory, the result JSON, run_program.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "api/solver.h"
#include "npeps/synthesizer.h"

namespace npeps {
namespace {

TEST(ApiModelDir, FoundFromTheBinaryNotTheSourceTree) {
  ::unsetenv("NPEPS_MODEL_DIR");
  const std::filesystem::path dir = default_model_dir();
  // This test runs from build/tests: build/share/npeps/models, the build
  // tree's link to assets/models, as PREFIX/share/npeps/models when installed.
  EXPECT_EQ(dir, std::filesystem::path(NPEPS_BINARY_DIR) / "share" / "npeps" / "models");
  EXPECT_TRUE(std::filesystem::exists(dir / kPCCoderModelFile)) << dir;
  EXPECT_TRUE(std::filesystem::exists(dir / kPEModelFile)) << dir;
}

TEST(ApiModelDir, EnvironmentFirst) {
  ::setenv("NPEPS_MODEL_DIR", "models-from-the-environment", 1);
  EXPECT_EQ(default_model_dir(), "models-from-the-environment");
  ::unsetenv("NPEPS_MODEL_DIR");
}

TEST(ApiResultJson, TheObjectTheCliPrints) {
  SynthesisResult r;
  r.id = "t";
  r.method = "enum";
  r.time_s = 0.123456;
  r.nodes = 7;
  nlohmann::json j = nlohmann::json::parse(to_json(r));
  EXPECT_EQ(j["id"], "t");
  EXPECT_EQ(j["solved"], false);
  EXPECT_TRUE(j["program"].is_null());
  EXPECT_TRUE(j["readable"].is_null());
  EXPECT_DOUBLE_EQ(j["time_s"].get<double>(), 0.1235);
  EXPECT_EQ(j["stats"]["nodes"], 7);
  EXPECT_FALSE(j["stats"].contains("memory_capped"));
  r.solved = true;
  r.program = "LIST|SORT,0";
  r.readable = "a <- [int]\nb <- SORT a";
  r.memory_capped = true;
  j = nlohmann::json::parse(to_json(r));
  EXPECT_EQ(j["program"], "LIST|SORT,0");
  EXPECT_EQ(j["readable"], "a <- [int]\nb <- SORT a");
  EXPECT_EQ(j["stats"]["memory_capped"], true);
}

TEST(ApiRunProgram, OutputsAndErrors) {
  EXPECT_EQ(run_program("LIST|SORT,0", "[[3,1,2]]"), "[1,2,3]");
  EXPECT_EQ(run_program("LIST|SUM,0", " [[3, 1, 2]] "), "6");
  EXPECT_THROW(run_program("LIST|NO_SUCH_OP,0", "[[1]]"), InvalidInput);
  EXPECT_THROW(run_program("LIST|SORT,0", "[[1], [2]]"), InvalidInput);
  EXPECT_THROW(run_program("LIST|SORT,0", "[5]"), InvalidInput);  // INT for a LIST input
  EXPECT_THROW(run_program("LIST|SORT,0", "{"), InvalidInput);
  try {
    run_program("LIST|SUM,0", "[[200,100]]");
    FAIL() << "no ExecutionError";
  } catch (const ExecutionError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("statement 1 (SUM): ", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace npeps
