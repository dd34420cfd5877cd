#include <cstdlib>

#include "api/solver.h"
#include "search/enumerator.h"

namespace npeps {
namespace {

class EnumSolver final : public Solver {
 public:
  SearchResult solve(const std::vector<Example>& examples, const SearchLimits& limits) override {
    return enumerate(examples, EnumeratorOptions{}, limits);
  }
};

std::vector<MethodInfo> build() {
  std::vector<MethodInfo> m;
  m.push_back({"enum", "model-free enumeration with type, usage and equivalence pruning",
               [](const SolverConfig&) { return std::make_unique<EnumSolver>(); }});
  return m;
}

}  // namespace

const std::vector<MethodInfo>& methods() {
  static const std::vector<MethodInfo> m = build();
  return m;
}

const MethodInfo* find_method(std::string_view name) {
  for (const MethodInfo& m : methods())
    if (m.name == name) return &m;
  return nullptr;
}

std::string default_model_dir() {
  if (const char* env = std::getenv("NPEPS_MODEL_DIR"); env && *env) return env;
  return NPEPS_DEFAULT_MODEL_DIR;
}

}  // namespace npeps
