// The one check every search makes of the examples it is given: 1 to
// kMaxExamples examples, each with the same 1 to kMaxInputs inputs, none
// NULL, of the same types as example 1's. (The task loader, datasets/task.h,
// checks files more closely and names lines and fields; a search gets
// examples from code and checks only what it relies on.)
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dsl/program.h"

namespace npeps {

inline constexpr int kMaxExamples = 10;  // examples a task may have

// Empty when `examples` pass; otherwise what is wrong, examples and inputs
// numbered from 1 as in task files ("example 2 has 1 inputs, example 1
// has 2").
std::string examples_problem(const std::vector<Example>& examples);

// The first two examples (indices i < j) with equal inputs and different
// outputs, which no program fits together; nullopt when there are none.
std::optional<std::pair<std::size_t, std::size_t>> contradicting_examples(
    const std::vector<Example>& examples);

}  // namespace npeps
