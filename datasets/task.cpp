#include "datasets/task.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <utility>

#include "datasets/json_value.h"
#include "dsl/parser.h"
#include "dsl/printer.h"

namespace npeps {
namespace {

// Deepest JSON nesting accepted. A task needs 4 levels; the guard keeps
// pathological input ([[[[...]]]]) away from recursive JSON code.
constexpr int kMaxJsonDepth = 64;
constexpr std::size_t kMaxShownId = 80;        // id characters shown in messages
constexpr std::size_t kMaxParseMessage = 160;  // characters of a JSON parser message kept

// Printable ASCII only, so messages can always be written back as JSON.
std::string sanitize(std::string_view s, std::size_t max_chars) {
  std::string out;
  for (std::size_t i = 0; i < s.size() && out.size() < max_chars; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    out += (c < 0x20 || c >= 0x7f) ? '?' : static_cast<char>(c);
  }
  if (s.size() > max_chars) out += "...";
  return out;
}

// A position "line 1, column 6: ..." in one-line text reads better as "column 6: ...".
std::string_view without_line_one(std::string_view m) {
  if (m.substr(0, 15) == "line 1, column ") m.remove_prefix(8);
  return m;
}

// Builds messages `<task>, example N, <field>: <reason>` for fields of an
// example and `<task>: <field>: <reason>` for fields of the task itself
// (`line 2: examples: missing`).
class Reporter {
 public:
  explicit Reporter(const std::string& where) : name_(where.empty() ? "task" : where) {}
  void set_id(const std::string& id) { name_ = "task \"" + sanitize(id, kMaxShownId) + "\""; }

  [[noreturn]] void fail(const std::string& field, const std::string& reason) const {
    if (field.empty()) throw TaskError(name_ + ": " + reason);
    const char* joint = field.rfind("example ", 0) == 0 ? ", " : ": ";
    throw TaskError(name_ + joint + field + ": " + reason);
  }

 private:
  std::string name_;
};

std::string example_field(std::size_t e, const std::string& field) {
  return "example " + std::to_string(e + 1) + (field.empty() ? "" : ", " + field);
}

std::string types_text(const std::vector<Type>& types) {
  std::string s;
  for (std::size_t i = 0; i < types.size(); ++i)
    s += (i ? ", " : "") + std::string(type_name(types[i]));
  return s;
}

const char* kind_name(Kind k) { return k == Kind::List ? "LIST" : k == Kind::Int ? "INT" : "NULL"; }

Value checked_value(const Reporter& r, const nlohmann::json& j, bool allow_null,
                    const std::string& field) {
  ValueJsonError err;
  std::optional<Value> v = value_from_json(j, allow_null, &err);
  if (!v)
    r.fail(err.element < 0 ? field : field + "[" + std::to_string(err.element) + "]", err.message);
  return *v;
}

std::string read_id(const Reporter& r, const nlohmann::json& j) {
  const auto it = j.find("id");
  if (it == j.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer() || it->is_number_unsigned() || it->is_number_float())
    return it->dump();
  r.fail("id", "expected a string or a number, found " + describe_json(*it));
}

Example read_example(const Reporter& r, const nlohmann::json& j, std::size_t e) {
  if (!j.is_object())
    r.fail(example_field(e, ""),
           "expected an object with \"inputs\" and \"output\", found " + describe_json(j));
  const auto inputs = j.find("inputs");
  if (inputs == j.end()) r.fail(example_field(e, "inputs"), "missing");
  if (!inputs->is_array())
    r.fail(example_field(e, "inputs"), "expected an array of 1 to " + std::to_string(kMaxInputs) +
                                           " values, found " + describe_json(*inputs));
  if (inputs->empty())
    r.fail(example_field(e, "inputs"), "no inputs (need 1 to " + std::to_string(kMaxInputs) + ")");
  if (inputs->size() > static_cast<std::size_t>(kMaxInputs))
    r.fail(example_field(e, "inputs"),
           std::to_string(inputs->size()) + " inputs (at most " + std::to_string(kMaxInputs) + ")");
  Example ex;
  for (std::size_t i = 0; i < inputs->size(); ++i)
    ex.inputs.push_back(checked_value(r, (*inputs)[i], /*allow_null=*/false,
                                      example_field(e, "inputs[" + std::to_string(i) + "]")));
  const auto output = j.find("output");
  if (output == j.end()) r.fail(example_field(e, "output"), "missing");
  ex.output = checked_value(r, *output, /*allow_null=*/true, example_field(e, "output"));
  return ex;
}

// All examples must agree on input count and types, and non-null outputs
// on their kind (no single program yields both an INT and a LIST).
void check_consistent(const Reporter& r, const std::vector<Example>& examples) {
  const Example& first = examples.front();
  int output_example = -1;  // first example with a non-null output
  for (std::size_t e = 0; e < examples.size(); ++e) {
    const Example& ex = examples[e];
    if (ex.inputs.size() != first.inputs.size())
      r.fail(example_field(e, "inputs"), std::to_string(ex.inputs.size()) +
                                             " inputs, but example 1 has " +
                                             std::to_string(first.inputs.size()));
    for (std::size_t i = 0; i < ex.inputs.size(); ++i)
      if (ex.inputs[i].type() != first.inputs[i].type())
        r.fail(example_field(e, "inputs[" + std::to_string(i) + "]"),
               std::string(type_name(ex.inputs[i].type())) + ", but example 1 has " +
                   type_name(first.inputs[i].type()));
    if (ex.output.is_null()) continue;
    if (output_example < 0) {
      output_example = static_cast<int>(e);
    } else if (ex.output.kind != examples[output_example].output.kind) {
      r.fail(example_field(e, "output"), std::string(kind_name(ex.output.kind)) + ", but example " +
                                             std::to_string(output_example + 1) + " has " +
                                             kind_name(examples[output_example].output.kind) +
                                             " (no program can produce both)");
    }
  }
}

Program read_program(const Reporter& r, const nlohmann::json& j,
                     const std::vector<Example>& examples) {
  if (!j.is_string())
    r.fail("program", "expected a string in compact form, found " + describe_json(j));
  Program p;
  try {
    p = parse_compact(j.get_ref<const std::string&>());
  } catch (const ParseError& e) {
    r.fail("program", sanitize(without_line_one(e.what()), 300));
  } catch (const ProgramError& e) {
    r.fail("program", sanitize(without_line_one(e.what()), 300));
  }
  std::vector<Type> types;
  for (const Value& v : examples.front().inputs) types.push_back(v.type());
  if (p.inputs != types)
    r.fail("program", "takes (" + types_text(p.inputs) + ") but the examples give (" +
                          types_text(types) + ")");
  if (!p.statements.empty()) {
    const Type out = p.var_type(p.num_vars() - 1);
    for (std::size_t e = 0; e < examples.size(); ++e) {
      const Value& o = examples[e].output;
      if (!o.is_null() && o.type() != out)
        r.fail("program", std::string("returns ") + type_name(out) + " but example " +
                              std::to_string(e + 1) + "'s output is " + type_name(o.type()));
    }
  }
  return p;
}

Task task_from_json_unchecked(const nlohmann::json& j, const std::string& where) {
  Reporter r(where);
  if (!j.is_object()) r.fail("", "expected a JSON object, found " + describe_json(j));
  Task t;
  t.id = read_id(r, j);
  if (t.id.empty()) {
    t.id = where;
  } else {
    r.set_id(t.id);
  }
  const auto examples = j.find("examples");
  if (examples == j.end()) r.fail("examples", "missing");
  if (!examples->is_array())
    r.fail("examples", "expected an array, found " + describe_json(*examples));
  if (examples->empty())
    r.fail("examples", "no examples (need 1 to " + std::to_string(kMaxTaskExamples) + ")");
  if (examples->size() > static_cast<std::size_t>(kMaxTaskExamples))
    r.fail("examples", std::to_string(examples->size()) + " examples (at most " +
                           std::to_string(kMaxTaskExamples) + ")");
  for (std::size_t e = 0; e < examples->size(); ++e)
    t.examples.push_back(read_example(r, (*examples)[e], e));
  check_consistent(r, t.examples);
  const auto program = j.find("program");
  if (program != j.end() && !program->is_null()) t.program = read_program(r, *program, t.examples);
  return t;
}

// Nesting depth of JSON text, counting brackets outside strings; stops
// early once past `limit`. Linear, no allocation.
int json_depth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest && (deepest = depth) > limit) break;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

// nlohmann's message without its "[json.exception...] parse error at" preamble.
std::string short_parse_message(const std::string& what) {
  std::string_view m = what;
  if (const auto p = m.find("] "); p != std::string_view::npos && m.substr(0, 1) == "[")
    m.remove_prefix(p + 2);
  if (m.substr(0, 15) == "parse error at ") m.remove_prefix(15);
  return sanitize(without_line_one(m), kMaxParseMessage);
}

}  // namespace

std::vector<Type> Task::input_types() const {
  std::vector<Type> types;
  if (examples.empty()) return types;
  for (const Value& v : examples.front().inputs) types.push_back(v.type());
  return types;
}

Task task_from_json(const nlohmann::json& j, const std::string& where) {
  try {
    return task_from_json_unchecked(j, where);
  } catch (const nlohmann::json::exception& e) {
    // Not expected: every access above checks types first.
    Reporter(where).fail("", "unexpected JSON error: " + sanitize(e.what(), kMaxParseMessage));
  }
}

Task parse_task(std::string_view text, const std::string& where) {
  const Reporter r(where);
  if (json_depth(text, kMaxJsonDepth) > kMaxJsonDepth)
    r.fail("", "not valid JSON: nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  // nlohmann's lexer reads a NUL byte as the end of the input.
  if (const auto nul = text.find('\0'); nul != std::string_view::npos)
    r.fail("", "not valid JSON: NUL byte at offset " + std::to_string(nul));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {
    r.fail("", "not valid JSON: " + short_parse_message(e.what()));
  }
  return task_from_json(j, where);
}

nlohmann::json task_to_json(const Task& t) {
  nlohmann::json j = nlohmann::json::object();
  if (!t.id.empty()) j["id"] = t.id;
  nlohmann::json examples = nlohmann::json::array();
  for (const Example& ex : t.examples) {
    nlohmann::json inputs = nlohmann::json::array();
    for (const Value& v : ex.inputs) inputs.push_back(value_to_json(v));
    examples.push_back({{"inputs", std::move(inputs)}, {"output", value_to_json(ex.output)}});
  }
  j["examples"] = std::move(examples);
  if (t.program) j["program"] = to_compact(*t.program);
  return j;
}

void read_task_lines(std::istream& in, const std::function<void(TaskLine&&)>& fn) {
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string_view text = line;
    if (number == 1 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 BOM
    if (text.find_first_not_of(" \t\r\f\v") == std::string_view::npos) continue;
    TaskLine result;
    result.line = number;
    try {
      result.task = parse_task(text, "line " + std::to_string(number));
    } catch (const TaskError& e) {
      result.error = e.what();
    }
    fn(std::move(result));
  }
}

std::vector<Task> load_tasks(const std::string& path, std::vector<std::string>* errors) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw TaskError("cannot read " + path + ": is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TaskError("cannot open " + path + ": " + std::strerror(errno));
  std::vector<Task> tasks;
  read_task_lines(in, [&](TaskLine&& line) {
    if (line.task) {
      tasks.push_back(std::move(*line.task));
    } else if (errors != nullptr) {
      errors->push_back(std::move(line.error));
    }
  });
  return tasks;
}

void keep_search_examples(std::vector<Task>& tasks) {
  for (Task& t : tasks)
    if (t.examples.size() > static_cast<std::size_t>(kMaxExamples)) t.examples.resize(kMaxExamples);
}

}  // namespace npeps
