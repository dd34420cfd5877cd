// Synthesis tasks (input/output examples plus an optional reference
// program) and their JSON / JSON Lines form (docs/FORMATS.md).
#pragma once

#include <cstddef>
#include <functional>
#include <istream>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/examples_check.h"  // kMaxExamples
#include "dsl/program.h"

namespace npeps {

// Examples a task may have. A search takes at most kMaxExamples
// (dsl/examples_check.h) at a time: the synthesizer searches subsets of a
// larger task and checks every example (api/example_subset.h); the
// trainers keep a task's first kMaxExamples.
inline constexpr int kMaxTaskExamples = 1000;

struct Task {
  std::string id;                  // from the file, or the line number ("line 7")
  std::vector<Example> examples;   // 1..kMaxTaskExamples, all with the same input types
  std::optional<Program> program;  // reference program, when the file has one

  // Input types shared by all examples (empty if there are no examples).
  std::vector<Type> input_types() const;
};

// A malformed task. what() names the task (id or line), the example and
// the field, e.g. `task "t3", example 2, inputs[0]: list has 21 elements
// (at most 20)`.
struct TaskError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Validates and converts one parsed JSON task. `where` names the task in
// messages when it has no id (e.g. "line 7"). Throws TaskError.
Task task_from_json(const nlohmann::json& j, const std::string& where);

// Parses and validates one task from JSON text. Throws TaskError.
Task parse_task(std::string_view text, const std::string& where);

// The task as a JSON object in the file format (program in compact form).
nlohmann::json task_to_json(const Task& t);

// One line of a JSON Lines dataset: a task, or why that line is invalid.
struct TaskLine {
  std::size_t line = 0;         // 1-based line number
  std::optional<Task> task;     // set when valid
  std::string error;            // set when invalid
};

// Reads a JSON Lines dataset line by line, calling `fn` for every
// non-blank line in order. A bad line yields an error and reading goes on.
void read_task_lines(std::istream& in, const std::function<void(TaskLine&&)>& fn);

// Convenience: all valid tasks of a file; errors are appended to `errors`.
std::vector<Task> load_tasks(const std::string& path, std::vector<std::string>* errors);

// Cuts every task to its first kMaxExamples examples: what the trainers
// use, since a search and the networks take at most that many.
void keep_search_examples(std::vector<Task>& tasks);

}  // namespace npeps
