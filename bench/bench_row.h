// One result of `npeps bench`: one task solved (or not) by one method. A
// row is one line of DIR/results.jsonl.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

namespace npeps {

struct BenchRow {
  std::string task;            // task id
  std::size_t index = 0;       // position of the task in the full (unsharded) task list
  std::optional<int> ref_len;  // statements of the reference program, when known
  std::string method;
  bool solved = false;       // a program was found and it satisfies the visible examples
  double time_s = 0;         // wall seconds of the solve call (time to first solution when solved)
  std::uint64_t nodes = 0;   // search nodes expanded
  std::uint64_t checks = 0;  // statements only tested against the output (CAB lookahead)
  std::uint64_t model_calls = 0;
  std::string program;  // compact form, empty when nothing was returned
  bool recheck_failed =
      false;  // the solver returned a program that fails the examples (counted unsolved)
  std::optional<bool> holdout_ok;  // with holdout: solved and also right on the hidden examples
  std::string error;               // the solver threw (counted unsolved)
};

nlohmann::json row_to_json(const BenchRow& r);
// Throws BenchError naming the missing or mistyped field.
BenchRow row_from_json(const nlohmann::json& j);

// Reads results.jsonl. Lines that do not parse (a run killed mid-write)
// are skipped and counted in `bad_lines` when given; a missing file is empty.
std::vector<BenchRow> read_rows(const std::string& path, std::size_t* bad_lines = nullptr);

// Canonical order: task index, then method position in `methods`
// (unknown methods last, by name). Drops later duplicates of a (task, method).
void sort_rows(std::vector<BenchRow>& rows, const std::vector<std::string>& methods);

}  // namespace npeps
