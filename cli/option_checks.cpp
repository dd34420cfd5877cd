#include "cli/option_checks.h"

#include "npeps/synthesizer.h"

namespace npeps::cli {
namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

const CLI::Validator& not_empty() {
  static const CLI::Validator v(
      [](std::string& s) { return s.empty() ? std::string("empty value") : std::string(); }, "",
      "NOT_EMPTY");
  return v;
}

const CLI::Validator& not_negative() {
  static const CLI::Validator v(
      [](std::string& s) {
        const auto first = s.find_first_not_of(" \t");
        return first != std::string::npos && s[first] == '-' ? "must not be negative, got " + s
                                                             : std::string();
      },
      "", "NOT_NEGATIVE");
  return v;
}

const CLI::Validator& at_most_max_threads() {
  static const CLI::Validator v(
      [](std::string& s) {
        try {
          std::size_t used = 0;
          const long long n = std::stoll(s, &used);
          if (n < 0) return "must not be negative, got " + s;
          if (n <= kMaxThreads) return std::string();
        } catch (const std::exception&) {
          return std::string();  // not a number: the option's own conversion says so
        }
        return "at most " + std::to_string(kMaxThreads) + " threads, got " + s;
      },
      "<= " + std::to_string(kMaxThreads), "MAX_THREADS");
  return v;
}

}  // namespace

void add_option_checks(CLI::App& app) {
  for (CLI::Option* opt : app.get_options()) {
    if (opt->get_type_size() == 0) continue;  // a flag
    if (opt->get_name(false, true) == "--help" || opt->get_name(false, true) == "--version")
      continue;
    opt->check(not_empty());
    if (starts_with(opt->get_type_name(), "UINT")) opt->check(not_negative());
    if (opt->check_lname("threads")) opt->check(at_most_max_threads());
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) add_option_checks(*sub);
}

std::string unknown_subcommand(const CLI::App& app, int argc, const char* const* argv) {
  if (argc < 2 || argv[1][0] == '-') return "";
  std::string names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->check_name(argv[1])) return "";
    names += (names.empty() ? "" : ", ") + sub->get_name();
  }
  return "unknown command '" + std::string(argv[1]) + "' (commands: " + names + ")";
}

}  // namespace npeps::cli
