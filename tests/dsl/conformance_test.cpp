// Runs the 3,683 reference vectors of tests/data/dsl_cases.jsonl (PCCoder's
// semantics, docs of the DSL in docs/) through parse_compact + run.
// Program strings must also print back unchanged.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "dsl/parser.h"
#include "dsl/printer.h"

namespace npeps {
namespace {

Value value_of(const nlohmann::json& j) {
  if (j.is_number_integer()) return Value::integer(j.get<int>());
  if (j.is_array()) return Value::list(j.get<std::vector<int>>());
  return Value::null();
}

TEST(Conformance, ReferenceVectors) {
  const std::filesystem::path path =
      std::filesystem::path(NPEPS_SOURCE_DIR) / "tests" / "data" / "dsl_cases.jsonl";
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot read " << path;
  std::string line;
  int n = 0, bad = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++n;
    const auto c = nlohmann::json::parse(line);
    const std::string text = c.at("program").get<std::string>();
    const nlohmann::json& expect = c.at("expect");
    std::string got;
    try {
      const Program p = parse_compact(text);
      EXPECT_EQ(to_compact(p), text);
      std::vector<Value> inputs;
      for (const auto& v : c.at("inputs")) inputs.push_back(value_of(v));
      if (!inputs_match(p, inputs)) {
        got = "error: inputs do not match";
      } else {
        const RunResult r = run(p, inputs);
        got = r.status == EvalStatus::Ok ? to_json(r.output)
                                         : std::string("error: ") + to_string(r.status);
      }
    } catch (const ParseError& e) {
      got = std::string("error: ") + e.what();
    }
    const bool want_error = expect.contains("error");
    const bool ok =
        want_error ? got.rfind("error", 0) == 0 : got == to_json(value_of(expect.at("output")));
    if (!ok && ++bad <= 15)
      ADD_FAILURE() << "line " << n << ": " << text << " on " << c.at("inputs").dump()
                    << ": expected " << expect.dump() << ", got " << got;
  }
  EXPECT_EQ(bad, 0) << bad << " of " << n << " vectors differ";
  EXPECT_GT(n, 3000);
}

}  // namespace
}  // namespace npeps
