// The text forms of generator options, as `npeps generate` takes them
// (datasets/generator.h has their meaning).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "datasets/constraints.h"

namespace npeps {

// "1-4" -> {1,2,3,4}; "4,8,12" -> {4,8,12}; "5" -> {5}. Throws std::invalid_argument.
std::vector<int> parse_lengths(const std::string& s);

// "5" -> {5, 5}; "1-5" -> {1, 5} (examples per task: fewest, most). Throws std::invalid_argument.
std::pair<int, int> parse_example_range(const std::string& s);

// "mixed" -> mixed_value_scales(); "-50:50" or "-50:50,0:10" -> those
// ranges. Throws std::invalid_argument.
std::vector<IntRange> parse_value_scales(const std::string& s);

// "2/8" -> {2, 8}; requires 0 <= index < count. Throws std::invalid_argument.
std::pair<int, int> parse_shard(const std::string& s);

}  // namespace npeps
