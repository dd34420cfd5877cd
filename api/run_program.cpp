// npeps::run_program: one program on one input, with the task loader's
// validation of the inputs (shared by `npeps run` and the Python module).
#include <nlohmann/json.hpp>

#include "datasets/task.h"
#include "dsl/parser.h"
#include "dsl/printer.h"
#include "npeps/synthesizer.h"

namespace npeps {
namespace {

// Validates `inputs` (a JSON array) with the task rules, so messages match
// the task loader's.
std::vector<Value> inputs_from_json(const nlohmann::json& inputs) {
  nlohmann::json task = {
      {"examples", nlohmann::json::array({{{"inputs", inputs}, {"output", nullptr}}})}};
  return task_from_json(task, "inputs").examples.front().inputs;
}

// Why `in` does not fit the program's inputs (which input, which types),
// or "" when it does.
std::string input_mismatch(const Program& p, const std::vector<Value>& in) {
  if (in.size() != p.inputs.size())
    return "the program takes " + std::to_string(p.inputs.size()) + " input(s), " +
           std::to_string(in.size()) + " given";
  for (std::size_t i = 0; i < in.size(); ++i)
    if (in[i].is_null() || in[i].type() != p.inputs[i])
      return "input " + std::to_string(i + 1) + " is " +
             (in[i].is_null() ? std::string("null") : std::string(type_name(in[i].type()))) +
             ", the program's input " + std::to_string(i + 1) + " is " + type_name(p.inputs[i]);
  return "";
}

}  // namespace

std::string run_program(std::string_view program, std::string_view inputs_json) {
  Program p;
  try {
    p = parse_program(std::string(program));
  } catch (const std::exception& e) {
    throw InvalidInput(std::string("malformed program: ") + e.what());
  }
  const nlohmann::json inputs = nlohmann::json::parse(inputs_json, nullptr, false);
  if (inputs.is_discarded() || !inputs.is_array())
    throw InvalidInput("bad inputs: not a JSON array, e.g. [[3,1,2], 2]");
  std::vector<Value> in;
  try {
    in = inputs_from_json(inputs);
  } catch (const std::exception& e) {
    throw InvalidInput(std::string("bad inputs: ") + e.what());
  }
  if (const std::string why = input_mismatch(p, in); !why.empty()) throw InvalidInput(why);
  const RunResult r = run(p, in);
  if (r.status != EvalStatus::Ok)
    throw ExecutionError("statement " + std::to_string(r.failed_at + 1) + " (" +
                         operator_name(p.statements[r.failed_at].op) + "): " + to_string(r.status));
  return to_json(r.output);
}

}  // namespace npeps
