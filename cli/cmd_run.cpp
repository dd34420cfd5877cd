// `npeps run`: executes programs on inputs (and, in --batch mode, the
// conformance vectors of tests/data/dsl_cases.jsonl).
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/output_check.h"
#include "npeps/synthesizer.h"

namespace npeps::cli {
namespace {

// Runs one case; returns {"output": V} or {"error": "..."}.
nlohmann::json run_case(const std::string& program_text, const nlohmann::json& inputs) {
  try {
    return {{"output", nlohmann::json::parse(run_program(program_text, inputs.dump()))}};
  } catch (const std::exception& e) {  // InvalidInput, ExecutionError
    return {{"error", e.what()}};
  }
}

// One result line per input line (blank lines too, so that row N answers
// line N). Returns 2 when the input cannot be read or a row not written.
int run_batch(const std::string& path) {
  std::unique_ptr<std::istream> owned;
  std::istream* in = &std::cin;
  if (path != "-") {
    try {
      check_input_file(path);
    } catch (const std::exception& e) {
      std::cerr << "npeps run: " << e.what() << "\n";
      return 2;
    }
    owned = std::make_unique<std::ifstream>(path);
    if (!*owned) {
      std::cerr << "npeps run: cannot open '" << path << "'\n";
      return 2;
    }
    in = owned.get();
  }
  std::string line;
  std::size_t n = 0;
  while (std::getline(*in, line)) {
    ++n;
    const std::string where = "line " + std::to_string(n);
    nlohmann::json out;
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (line.find_first_not_of(" \t\r") == std::string::npos)
      out = {{"error", where + ": blank line"}};
    else if (j.is_discarded() || !j.is_object())
      out = {{"error", where + ": not a JSON object"}};
    else if (!j.contains("program") || !j["program"].is_string())
      out = {{"error", where + ": program: missing or not a string"}};
    else if (!j.contains("inputs") || !j["inputs"].is_array())
      out = {{"error", where + ": inputs: missing or not an array"}};
    else
      out = run_case(j["program"].get<std::string>(), j["inputs"]);
    std::cout << out.dump() << '\n';
    if (!stdout_flushed("run")) return 2;
  }
  if (in->bad()) {
    std::cerr << "npeps run: cannot read '" << path << "'\n";
    return 2;
  }
  return 0;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  struct Opts {
    std::string program, inputs, batch;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* sub = app.add_subcommand("run", "execute a program on inputs");
  sub->add_option("--program", o->program, "program, compact or readable form");
  sub->add_option("--inputs", o->inputs, "inputs as a JSON array, e.g. '[[3,1,2], 2]'");
  sub->add_option("--batch", o->batch,
                  "JSON Lines of {\"program\", \"inputs\"} ('-' for stdin); one result line each");
  sub->callback([o, &exit_code] {
    if (!o->batch.empty()) {
      exit_code = run_batch(o->batch);
      return;
    }
    if (o->program.empty() || o->inputs.empty())
      throw CLI::ValidationError("run", "give --program and --inputs, or --batch FILE");
    const nlohmann::json inputs = nlohmann::json::parse(o->inputs, nullptr, false);
    if (inputs.is_discarded() || !inputs.is_array()) {
      std::cerr << "npeps run: --inputs must be a JSON array, e.g. '[[3,1,2]]'\n";
      exit_code = 2;
      return;
    }
    const nlohmann::json r = run_case(o->program, inputs);
    if (r.contains("error")) {
      const std::string msg = r["error"].get<std::string>();
      std::cerr << "npeps run: " << msg << "\n";
      exit_code = msg.rfind("statement", 0) == 0 ? 1 : 2;
      return;
    }
    std::cout << r["output"].dump() << "\n";
    exit_code = stdout_flushed("run") ? 0 : 2;
  });
}

}  // namespace npeps::cli
