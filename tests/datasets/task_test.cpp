#include "datasets/task.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "datasets/json_value.h"
#include "dsl/parser.h"

namespace npeps {
namespace {

bool same_examples(const Task& a, const Task& b) {
  if (a.examples.size() != b.examples.size()) return false;
  for (std::size_t e = 0; e < a.examples.size(); ++e)
    if (a.examples[e].inputs != b.examples[e].inputs ||
        a.examples[e].output != b.examples[e].output)
      return false;
  return true;
}

bool same_task(const Task& a, const Task& b) {
  return a.id == b.id && same_examples(a, b) && a.program == b.program;
}

TEST(Task, ParsesListAndIntInputs) {
  const Task t = parse_task(
      R"({"id": "t1", "examples": [{"inputs": [[3, -1, 4], 2], "output": [3, -1]},
                                   {"inputs": [[], 0], "output": []}]})",
      "line 1");
  EXPECT_EQ(t.id, "t1");
  ASSERT_EQ(t.examples.size(), 2u);
  EXPECT_EQ(t.examples[0].inputs[0], Value::list({3, -1, 4}));
  EXPECT_EQ(t.examples[0].inputs[1], Value::integer(2));
  EXPECT_EQ(t.examples[0].output, Value::list({3, -1}));
  EXPECT_EQ(t.examples[1].inputs[0], Value::list({}));  // [] is a LIST
  EXPECT_EQ(t.input_types(), (std::vector<Type>{Type::List, Type::Int}));
  EXPECT_FALSE(t.program.has_value());
}

TEST(Task, IdFromNumberOrWhere) {
  EXPECT_EQ(parse_task(R"({"id": 42, "examples": [{"inputs": [1], "output": 1}]})", "line 3").id,
            "42");
  EXPECT_EQ(parse_task(R"({"examples": [{"inputs": [1], "output": 1}]})", "line 3").id, "line 3");
  EXPECT_EQ(parse_task(R"({"id": null, "examples": [{"inputs": [1], "output": 1}]})", "").id, "");
}

TEST(Task, AcceptsBoundaryShapes) {
  // 3 inputs, extreme integers, a 20-element list, 10 examples, null outputs.
  nlohmann::json examples = nlohmann::json::array();
  for (int e = 0; e < kMaxExamples; ++e) {
    std::vector<int> xs(kMaxListLength, e % 2 ? kIntMin : kIntMax);
    examples.push_back({{"inputs", {xs, kIntMin, std::vector<int>{}}},
                        {"output", e % 3 ? nlohmann::json(kIntMax) : nlohmann::json(nullptr)}});
  }
  const Task t = parse_task(nlohmann::json{{"examples", examples}}.dump(), "x");
  ASSERT_EQ(t.examples.size(), static_cast<std::size_t>(kMaxExamples));
  EXPECT_EQ(t.input_types(), (std::vector<Type>{Type::List, Type::Int, Type::List}));
  EXPECT_EQ(t.examples[1].inputs[0].size, kMaxListLength);
  EXPECT_EQ(t.examples[1].inputs[0].data[19], kIntMin);
  EXPECT_TRUE(t.examples[0].output.is_null());
  EXPECT_EQ(t.examples[1].output, Value::integer(kIntMax));
}

TEST(Task, ParsesPrettyPrintedFile) {
  // `npeps synth TASK.json` files may span several lines.
  const std::string text =
      "{\n  \"id\": \"pretty\",\n  \"examples\": [\n    {\"inputs\": [[1, 2]],\n"
      "     \"output\": 3}\n  ]\n}\n";
  const Task t = parse_task(text, "task.json");
  EXPECT_EQ(t.id, "pretty");
  EXPECT_EQ(t.examples[0].output, Value::integer(3));
  try {
    parse_task("{\n  \"examples\": [\n    {\"inputs\": [1],,\n", "task.json");
    FAIL() << "expected TaskError";
  } catch (const TaskError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("task.json: not valid JSON: line 3, column", 0), 0u)
        << e.what();
  }
}

TEST(Task, NullOutputsMixWithAnyKind) {
  const Task t = parse_task(
      R"({"examples": [{"inputs": [[1]], "output": null}, {"inputs": [[2]], "output": [2]},
                       {"inputs": [[]], "output": null}]})",
      "l");
  EXPECT_TRUE(t.examples[0].output.is_null());
  EXPECT_EQ(t.examples[1].output, Value::list({2}));
}

TEST(Task, IgnoresExtraFields) {
  const Task t = parse_task(
      R"({"examples": [{"inputs": [5], "output": 6, "note": "x"}], "meta": {"a": [1.5, "b"]},
          "length": 3})",
      "l");
  EXPECT_EQ(t.examples[0].output, Value::integer(6));
}

TEST(Task, LoadsPCCoderLine) {
  // The line format written by PCCoder's and N-PEPS's gen_programs scripts.
  const std::string line =
      R"({"program": "LIST|INT|TAKE,1,0|SORT,2", "examples": [{"inputs": [[3, 1, 2], 2], "output": [1, 3]}, {"inputs": [[-5, 7], 0], "output": []}, {"inputs": [[9], -1], "output": []}]})";
  const Task t = parse_task(line, "line 1");
  ASSERT_TRUE(t.program.has_value());
  EXPECT_EQ(*t.program, parse_compact("LIST|INT|TAKE,1,0|SORT,2"));
  EXPECT_EQ(t.program->inputs, t.input_types());
  EXPECT_TRUE(satisfies(*t.program, t.examples));
  EXPECT_EQ(t.id, "line 1");
}

TEST(Task, ToJsonWritesFileFormat) {
  Task t;
  t.examples.push_back({{Value::list({1, 2}), Value::integer(-3)}, Value::null()});
  const nlohmann::json j = task_to_json(t);
  EXPECT_FALSE(j.contains("id"));
  EXPECT_FALSE(j.contains("program"));
  EXPECT_EQ(j["examples"][0]["inputs"], nlohmann::json::parse("[[1,2],-3]"));
  EXPECT_TRUE(j["examples"][0]["output"].is_null());
  t.id = "abc";
  t.program = parse_compact("LIST|INT|DROP,1,0");
  const nlohmann::json k = task_to_json(t);
  EXPECT_EQ(k["id"], "abc");
  EXPECT_EQ(k["program"], "LIST|INT|DROP,1,0");
}

Value random_value(std::mt19937& rng, Type type) {
  std::uniform_int_distribution<int> x(kIntMin, kIntMax);
  if (type == Type::Int) return Value::integer(x(rng));
  std::vector<int> xs(std::uniform_int_distribution<int>(0, kMaxListLength)(rng));
  for (int& v : xs) v = x(rng);
  return Value::list(xs);
}

TEST(Task, RoundTripsRandomTasks) {
  std::mt19937 rng(20240607);
  for (int i = 0; i < 300; ++i) {
    Task t;
    if (i % 2) t.id = "task-" + std::to_string(i);
    std::vector<Type> types(std::uniform_int_distribution<int>(1, kMaxInputs)(rng));
    for (Type& ty : types) ty = rng() % 2 ? Type::List : Type::Int;
    const Type out = rng() % 2 ? Type::List : Type::Int;
    const int n = std::uniform_int_distribution<int>(1, kMaxExamples)(rng);
    for (int e = 0; e < n; ++e) {
      Example ex;
      for (Type ty : types) ex.inputs.push_back(random_value(rng, ty));
      ex.output = rng() % 5 == 0 ? Value::null() : random_value(rng, out);
      t.examples.push_back(ex);
    }
    if (i % 7 == 0 && types[0] == Type::List) {
      std::string program = "";
      for (Type ty : types) program += ty == Type::List ? "LIST|" : "INT|";
      t.program = parse_compact(program + "REVERSE,0");
      for (Example& ex : t.examples) ex.output = Value::list(ex.inputs[0].as_vector());
    }
    const std::string text = task_to_json(t).dump();
    const Task back = parse_task(text, t.id.empty() ? "" : "ignored");
    EXPECT_TRUE(same_task(t, back)) << text;
  }
}

TEST(Task, ReadsJsonLinesPastBadLines) {
  std::istringstream in(
      "{\"id\": \"a\", \"examples\": [{\"inputs\": [1], \"output\": 2}]}\n"
      "\n"
      "   \t\r\n"
      "{\"examples\": [{\"inputs\": [1], \"output\": 2.5}]}\r\n"
      "not json at all\n"
      "{\"examples\": [{\"inputs\": [[1]], \"output\": 2}]}\r\n"
      "{\"id\": \"last\", \"examples\": [{\"inputs\": [[1, 2]], \"output\": 3}]}");  // no newline
  std::vector<TaskLine> lines;
  read_task_lines(in, [&](TaskLine&& l) { lines.push_back(std::move(l)); });
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0].line, 1u);
  ASSERT_TRUE(lines[0].task);
  EXPECT_EQ(lines[0].task->id, "a");
  EXPECT_EQ(lines[1].line, 4u);
  EXPECT_FALSE(lines[1].task);
  EXPECT_EQ(lines[1].error.rfind("line 4, example 1, output: ", 0), 0u) << lines[1].error;
  EXPECT_EQ(lines[2].line, 5u);
  EXPECT_EQ(lines[2].error.rfind("line 5: not valid JSON: ", 0), 0u) << lines[2].error;
  ASSERT_TRUE(lines[3].task);
  EXPECT_EQ(lines[3].task->id, "line 6");
  ASSERT_TRUE(lines[4].task);
  EXPECT_EQ(lines[4].line, 7u);
  EXPECT_EQ(lines[4].task->id, "last");
  for (const TaskLine& l : lines) EXPECT_NE(l.task.has_value(), !l.error.empty());
}

TEST(Task, ReadsATruncatedLastLine) {
  std::istringstream in(
      "{\"examples\": [{\"inputs\": [1], \"output\": 2}]}\n{\"examples\": [{\"inp");
  std::vector<TaskLine> lines;
  read_task_lines(in, [&](TaskLine&& l) { lines.push_back(std::move(l)); });
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0].task);
  EXPECT_EQ(lines[1].error.rfind("line 2: not valid JSON: ", 0), 0u) << lines[1].error;
}

TEST(Task, LoadTasksFromFile) {
  const std::string path = std::string(NPEPS_BINARY_DIR) + "/task_test_load.jsonl";
  {
    std::ofstream out(path);
    out << "{\"examples\": [{\"inputs\": [1], \"output\": 2}]}\n"
        << "{\"examples\": []}\n"
        << "{\"id\": 7, \"examples\": [{\"inputs\": [[1]], \"output\": [1]}]}\n";
  }
  std::vector<std::string> errors;
  const std::vector<Task> tasks = load_tasks(path, &errors);
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].id, "line 1");
  EXPECT_EQ(tasks[1].id, "7");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "line 2: examples: no examples (need 1 to 1000)");
  EXPECT_EQ(load_tasks(path, nullptr).size(), 2u);
  std::remove(path.c_str());
}

TEST(Task, LoadTasksMissingFile) {
  try {
    load_tasks("/nonexistent/dir/tasks.jsonl", nullptr);
    FAIL() << "expected TaskError";
  } catch (const TaskError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot open /nonexistent/dir/tasks.jsonl"),
              std::string::npos);
  }
}

TEST(Task, LoadTasksRefusesADirectory) {
  try {
    load_tasks(NPEPS_SOURCE_DIR, nullptr);
    FAIL() << "expected TaskError";
  } catch (const TaskError& e) {
    EXPECT_NE(std::string(e.what()).find("is a directory"), std::string::npos) << e.what();
  }
}

TEST(JsonValue, ConvertsBothWays) {
  for (const Value& v :
       {Value::null(), Value::integer(-256), Value::list({}), Value::list({1, -2, 255})}) {
    ValueJsonError err;
    const auto back = value_from_json(value_to_json(v), /*allow_null=*/true, &err);
    ASSERT_TRUE(back.has_value()) << err.message;
    EXPECT_EQ(*back, v);
    EXPECT_EQ(value_to_json(v).dump(), to_json(v));
  }
  ValueJsonError err;
  EXPECT_FALSE(value_from_json(nlohmann::json(nullptr), /*allow_null=*/false, &err));
  EXPECT_FALSE(value_from_json(nlohmann::json::parse("[1, 256]"), true, &err));
  EXPECT_EQ(err.element, 1);
  EXPECT_EQ(err.message, "256 is out of range [-256, 255]");
}

}  // namespace
}  // namespace npeps
