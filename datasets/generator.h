// Random programs with example inputs, found by propagating value-range
// constraints backward from the output; deduplicated by behaviour.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "datasets/task.h"

namespace npeps {

struct GeneratorOptions {
  std::vector<int> lengths = {4};      // program lengths (statements) to generate
  std::size_t programs_per_length = 1000;  // deduplicated programs wanted per length
  int max_inputs = 3;                  // inputs per program, 1..3
  int num_examples = 5;                // examples per program, 1..10
  std::uint64_t seed = 1;              // same seed and options -> same output
  int threads = 0;                     // TBB worker threads; 0 = all cores
  // Programs whose behaviour matches one of these tasks' programs are
  // excluded (keeps a test split disjoint from a training split).
  const std::vector<Task>* exclude = nullptr;
  // Called now and then with (programs done, programs wanted).
  std::function<void(std::size_t, std::size_t)> progress;
};

// Generates the programs (each task has `program` set and examples it satisfies).
std::vector<Task> generate(const GeneratorOptions& opts);

// The per-example variants: one task per example, same program, id
// suffixed "/e<k>" (what the PE model trains on).
std::vector<Task> per_example_variants(const std::vector<Task>& tasks);

}  // namespace npeps
