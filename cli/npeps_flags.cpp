#include "cli/npeps_flags.h"

namespace npeps::cli {

void add_npeps_flags(CLI::App* sub, NPEPSOptions& o) {
  sub->add_option("--alpha", o.alpha,
                  "N-PEPS methods: weight of the PE-based policy against the global one")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  sub->add_option("--pe-budget", o.pe_budget_s,
                  "N-PEPS methods: wall budget of each example's PE search, seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->add_option("--pe-solutions", o.max_pe_solutions,
                  "N-PEPS methods: PE solutions handed to the global search")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
}

}  // namespace npeps::cli
