#include "dsl/examples_check.h"

namespace npeps {

std::string examples_problem(const std::vector<Example>& examples) {
  if (examples.empty()) return "no examples";
  if (examples.size() > static_cast<std::size_t>(kMaxExamples))
    return std::to_string(examples.size()) + " examples (at most " + std::to_string(kMaxExamples) +
           ")";
  const std::vector<Value>& first = examples.front().inputs;
  if (first.empty() || first.size() > static_cast<std::size_t>(kMaxInputs))
    return "example 1 has " + std::to_string(first.size()) + " inputs (must be 1.." +
           std::to_string(kMaxInputs) + ")";
  for (std::size_t e = 0; e < examples.size(); ++e) {
    const std::vector<Value>& in = examples[e].inputs;
    const std::string where = "example " + std::to_string(e + 1);
    if (in.size() != first.size())
      return where + " has " + std::to_string(in.size()) + " inputs, example 1 has " +
             std::to_string(first.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
      if (in[i].is_null()) return where + ", input " + std::to_string(i + 1) + " is NULL";
      if (in[i].type() != first[i].type())
        return where + ", input " + std::to_string(i + 1) + " is " + type_name(in[i].type()) +
               ", example 1 has " + type_name(first[i].type());
    }
  }
  return "";
}

std::optional<std::pair<std::size_t, std::size_t>> contradicting_examples(
    const std::vector<Example>& examples) {
  for (std::size_t j = 1; j < examples.size(); ++j)
    for (std::size_t i = 0; i < j; ++i)
      if (examples[i].inputs == examples[j].inputs && !(examples[i].output == examples[j].output))
        return std::pair{i, j};
  return std::nullopt;
}

}  // namespace npeps
