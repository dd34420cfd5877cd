// Malformed tasks: every error is a TaskError naming the task, the example
// and the field; no input crashes or escapes as another exception type.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "datasets/task.h"

namespace npeps {
namespace {

struct Case {
  const char* text;
  const char* expected;  // the message starts with this
};

// Each case parses with where = "line 7".
const Case kCases[] = {
    {"", "line 7: not valid JSON: "},
    {"not json", "line 7: not valid JSON: column 2: syntax error"},
    {R"({"examples": [{"inputs": [1], "output": 2}]} x)", "line 7: not valid JSON: "},
    {"[1, 2]", "line 7: expected a JSON object, found an array"},
    {"{}", "line 7: examples: missing"},
    {R"({"examples": 3})", "line 7: examples: expected an array, found the integer 3"},
    {R"({"examples": []})", "line 7: examples: no examples (need 1 to 1000)"},
    {R"({"examples": [3]})",
     "line 7, example 1: expected an object with \"inputs\" and \"output\""},
    {R"({"examples": [{"output": 1}]})", "line 7, example 1, inputs: missing"},
    {R"({"examples": [{"inputs": 3, "output": 1}]})",
     "line 7, example 1, inputs: expected an array"},
    {R"({"examples": [{"inputs": [], "output": 1}]})",
     "line 7, example 1, inputs: no inputs (need 1 to 3)"},
    {R"({"examples": [{"inputs": [1, 2, 3, 4], "output": 1}]})",
     "line 7, example 1, inputs: 4 inputs (at most 3)"},
    {R"({"examples": [{"inputs": [[1]], "output": 1},
                      {"inputs": [[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21]], "output": 1}]})",
     "line 7, example 2, inputs[0]: list has 21 elements (at most 20)"},
    {R"({"id": "t3", "examples": [{"inputs": [1], "output": 300}]})",
     "task \"t3\", example 1, output: 300 is out of range [-256, 255]"},
    {R"({"examples": [{"inputs": [-257], "output": 1}]})",
     "line 7, example 1, inputs[0]: -257 is out of range [-256, 255]"},
    {R"({"examples": [{"inputs": [3.0], "output": 1}]})",
     "line 7, example 1, inputs[0]: expected an integer, found the float 3.0"},
    {R"({"examples": [{"inputs": [1e30], "output": 1}]})",
     "line 7, example 1, inputs[0]: 1e+30 is out of range"},
    {R"({"examples": [{"inputs": [99999999999999999999], "output": 1}]})",
     "line 7, example 1, inputs[0]: 1e+20 is out of range"},
    {R"({"examples": [{"inputs": [18446744073709551615], "output": 1}]})",
     "line 7, example 1, inputs[0]: 18446744073709551615 is out of range"},
    {R"({"examples": [{"inputs": [-9223372036854775808], "output": 1}]})",
     "line 7, example 1, inputs[0]: -9223372036854775808 is out of range"},
    {R"({"examples": [{"inputs": [1], "output": -1e400}]})", "line 7: not valid JSON: "},
    {R"({"examples": [{"inputs": ["3"], "output": 1}]})",
     "line 7, example 1, inputs[0]: expected an integer or a list of integers, found a string "
     "\"3\""},
    {R"({"examples": [{"inputs": [true], "output": 1}]})",
     "line 7, example 1, inputs[0]: expected an integer or a list of integers, found true"},
    {R"({"examples": [{"inputs": [{"a": 1}], "output": 1}]})",
     "line 7, example 1, inputs[0]: expected an integer or a list of integers, found an object"},
    {R"({"examples": [{"inputs": [null], "output": 1}]})",
     "line 7, example 1, inputs[0]: expected an integer or a list of integers, found null"},
    {R"({"examples": [{"inputs": [[[1], [2]]], "output": 1}]})",
     "line 7, example 1, inputs[0][0]: expected an integer, found an array"},
    {R"({"examples": [{"inputs": [[1, 2.5]], "output": 1}]})",
     "line 7, example 1, inputs[0][1]: expected an integer, found the float 2.5"},
    {R"({"examples": [{"inputs": [[1, "x"]], "output": 1}]})",
     "line 7, example 1, inputs[0][1]: expected an integer, found a string \"x\""},
    {R"({"examples": [{"inputs": [1]}]})", "line 7, example 1, output: missing"},
    {R"({"examples": [{"inputs": [1], "output": [0, 300]}]})",
     "line 7, example 1, output[1]: 300 is out of range [-256, 255]"},
    {R"({"examples": [{"inputs": [1], "output": false}]})",
     "line 7, example 1, output: expected an integer or a list of integers, found false"},
    {R"({"examples": [{"inputs": [1], "output": 1}, {"inputs": [1, 2], "output": 1}]})",
     "line 7, example 2, inputs: 2 inputs, but example 1 has 1"},
    {R"({"examples": [{"inputs": [[]], "output": 1}, {"inputs": [0], "output": 1}]})",
     "line 7, example 2, inputs[0]: INT, but example 1 has LIST"},
    {R"({"examples": [{"inputs": [1], "output": 1}, {"inputs": [1], "output": null},
                      {"inputs": [1], "output": [1]}]})",
     "line 7, example 3, output: LIST, but example 1 has INT (no program can produce both)"},
    {R"({"examples": [{"inputs": [1], "output": null}, {"inputs": [1], "output": []},
                      {"inputs": [1], "output": 4}]})",
     "line 7, example 3, output: INT, but example 2 has LIST"},
    {R"({"id": true, "examples": [{"inputs": [1], "output": 1}]})",
     "line 7: id: expected a string or a number, found true"},
    {R"({"id": "p", "examples": [{"inputs": [[1]], "output": 1}], "program": 5})",
     "task \"p\": program: expected a string in compact form, found the integer 5"},
    {R"({"id": "p", "examples": [{"inputs": [[1]], "output": 1}], "program": "LIST|NOSUCH,0"})",
     "task \"p\": program: "},
    {R"({"id": "p", "examples": [{"inputs": [3], "output": [3]}], "program": "LIST|SORT,0"})",
     "task \"p\": program: takes (LIST) but the examples give (INT)"},
    {R"({"id": "p", "examples": [{"inputs": [[3]], "output": [3]}], "program": "LIST|SUM,0"})",
     "task \"p\": program: returns INT but example 1's output is LIST"},
};

// Parses and classifies: "ok", the TaskError message, or "OTHER: ..." for
// anything that escapes as another type.
std::string outcome(std::string_view text, const std::string& where = "line 7") {
  try {
    parse_task(text, where);
    return "ok";
  } catch (const TaskError& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("OTHER: ") + e.what();
  } catch (...) {
    return "OTHER: unknown";
  }
}

TEST(TaskMalformed, MessagesNameTaskExampleAndField) {
  for (const Case& c : kCases) {
    const std::string m = outcome(c.text);
    EXPECT_EQ(m.rfind(c.expected, 0), 0u) << "input: " << c.text << "\nmessage: " << m;
  }
}

TEST(TaskMalformed, NulBetweenTokensIsNamedNotEndOfInput) {
  using namespace std::string_literals;
  const std::string text = "{\"examples\":\0 [{\"inputs\": [1], \"output\": 2}]}"s;
  EXPECT_EQ(outcome(text), "line 7: not valid JSON: NUL byte at offset 12");
  EXPECT_EQ(outcome("\0"s), "line 7: not valid JSON: NUL byte at offset 0");
}

// More examples than one search takes load (the synthesizer searches
// subsets, api/example_subset.h); past kMaxTaskExamples they are refused.
TEST(TaskMalformed, ExampleCountsUpToTheTaskLimit) {
  const auto examples = [](int n) {
    nlohmann::json a = nlohmann::json::array();
    for (int e = 0; e < n; ++e) a.push_back({{"inputs", {e % 200}}, {"output", e % 200}});
    return nlohmann::json{{"examples", a}}.dump();
  };
  EXPECT_EQ(outcome(examples(kMaxExamples + 1)), "ok");
  EXPECT_EQ(parse_task(examples(kMaxTaskExamples), "t").examples.size(),
            static_cast<std::size_t>(kMaxTaskExamples));
  EXPECT_EQ(outcome(examples(kMaxTaskExamples + 1)),
            "line 7: examples: 1001 examples (at most 1000)");
}

TEST(TaskMalformed, NoWhereNamesTask) {
  EXPECT_EQ(outcome(R"({"examples": []})", ""), "task: examples: no examples (need 1 to 1000)");
}

TEST(TaskMalformed, JsonErrorsAreShortAndPrintable) {
  // A long unterminated string with non-ASCII bytes: nlohmann quotes it back.
  std::string text = "{\"id\": \"" + std::string(5000, 'x') + "\xff\x01";
  const std::string m = outcome(text);
  ASSERT_EQ(m.rfind("line 7: not valid JSON: ", 0), 0u) << m;
  EXPECT_LT(m.size(), 300u);
  for (char c : m) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << static_cast<int>(c);
}

const char* kValid =
    R"({"id": "v", "program": "LIST|INT|TAKE,1,0|SORT,2", "examples": [{"inputs": [[3, 1, 2], 2], "output": [1, 3]}, {"inputs": [[-5, 7, 0], 1], "output": [-5]}, {"inputs": [[], 0], "output": []}]})";

TEST(TaskMalformed, TruncatedPrefixes) {
  const std::string valid = kValid;
  ASSERT_EQ(outcome(valid), "ok");
  for (std::size_t n = 0; n < valid.size(); ++n) {
    const std::string m = outcome(valid.substr(0, n));
    EXPECT_EQ(m.rfind("line 7: not valid JSON: ", 0), 0u) << n << ": " << m;
  }
}

TEST(TaskMalformed, RandomMutationsNeverCrash) {
  const std::string valid = kValid;
  const std::string alphabet = "[]{}\",:-0123456789.eE \\nulltrue\xff\x80";
  std::mt19937 rng(1234567);
  int ok = 0, errors = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string text = valid;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits; ++k) {
      const std::size_t pos = rng() % text.size();
      const char c = rng() % 2 ? alphabet[rng() % alphabet.size()] : static_cast<char>(rng() % 256);
      switch (rng() % 3) {
        case 0: text[pos] = c; break;
        case 1: text.insert(text.begin() + static_cast<std::ptrdiff_t>(pos), c); break;
        default: text.erase(pos, 1 + rng() % 3); break;
      }
    }
    const std::string m = outcome(text);
    ASSERT_EQ(m.rfind("OTHER", 0), std::string::npos) << text << "\n" << m;
    if (m == "ok") {
      ++ok;
      const Task t = parse_task(text, "line 7");  // a success must be a valid task
      ASSERT_GE(t.examples.size(), 1u);
      ASSERT_LE(t.examples.size(), static_cast<std::size_t>(kMaxExamples));
      for (const Example& ex : t.examples) {
        ASSERT_EQ(ex.inputs.size(), t.input_types().size());
        for (std::size_t k = 0; k < ex.inputs.size(); ++k)
          ASSERT_EQ(ex.inputs[k].type(), t.input_types()[k]);
      }
    } else {
      ++errors;
      ASSERT_TRUE(m.rfind("line 7", 0) == 0 || m.rfind("task \"", 0) == 0) << m;  // names the task
    }
  }
  EXPECT_GT(errors, 0);
  EXPECT_GT(ok, 0);  // some mutations (digits, spaces) keep the task valid
}

TEST(TaskMalformed, DeepNesting) {
  const std::size_t depth = 100000;
  EXPECT_EQ(outcome(std::string(depth, '[') + std::string(depth, ']'))
                .rfind("line 7: not valid JSON: nested deeper", 0),
            0u);
  EXPECT_EQ(outcome(std::string(depth, '[')).rfind("line 7: not valid JSON: nested deeper", 0), 0u);
  std::string objects;
  for (std::size_t i = 0; i < depth; ++i) objects += "{\"a\":";
  EXPECT_EQ(outcome(objects + "1" + std::string(depth, '}'))
                .rfind("line 7: not valid JSON: nested deeper", 0),
            0u);
  // Brackets inside strings do not count.
  const std::string in_string = R"({"id": ")" + std::string(depth, '[') +
                                R"(", "examples": [{"inputs": [[1]], "output": 1}]})";
  EXPECT_EQ(outcome(in_string), "ok");
}

TEST(TaskMalformed, TenMegabyteLines) {
  const std::size_t size = 10u << 20;
  const auto start = std::chrono::steady_clock::now();
  // A valid task with a 10 MB id: accepted; messages about it stay short.
  std::string big_id(size, 'a');
  const std::string valid =
      R"({"id": ")" + big_id + R"(", "examples": [{"inputs": [[1]], "output": 1}]})";
  // A 10 MB list: rejected with the usual message.
  std::string list = R"({"examples": [{"inputs": [[)";
  while (list.size() < size) list += "1,";
  list += R"(1]], "output": 1}]})";
  const std::string bad_id =
      R"({"id": ")" + big_id + R"(", "examples": [{"inputs": [[1]], "output": 1.5}]})";
  std::istringstream in(valid + "\n" + list + "\n" + bad_id + "\n" + std::string(size, '{') + "\n" +
                        R"({"examples": [{"inputs": [1], "output": 2}]})");
  std::vector<TaskLine> lines;
  read_task_lines(in, [&](TaskLine&& l) { lines.push_back(std::move(l)); });
  ASSERT_EQ(lines.size(), 5u);
  ASSERT_TRUE(lines[0].task);
  EXPECT_EQ(lines[0].task->id.size(), size);
  EXPECT_EQ(lines[1].error.rfind("line 2, example 1, inputs[0]: list has ", 0), 0u)
      << lines[1].error.substr(0, 200);
  EXPECT_EQ(lines[2].error.rfind("task \"aaaa", 0), 0u);
  EXPECT_LT(lines[2].error.size(), 200u);
  EXPECT_EQ(lines[3].error.rfind("line 4: not valid JSON: ", 0), 0u);
  EXPECT_TRUE(lines[4].task);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Linear: a quadratic reader would take far longer. Sanitizer builds
  // (make sanitize) run this code ~10 times slower.
#ifdef NPEPS_SANITIZED
  constexpr double kSlowdown = 10;
#else
  constexpr double kSlowdown = 1;
#endif
  EXPECT_LT(seconds, 20.0 * kSlowdown);
}

}  // namespace
}  // namespace npeps
