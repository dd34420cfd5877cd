#include "datasets/op_histogram.h"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace npeps {
namespace {

constexpr Function kHigherOrder[] = {Function::Map, Function::Filter, Function::Count,
                                     Function::Scan1l, Function::ZipWith};

double ratio(const std::vector<std::size_t>& counts) {
  if (counts.empty()) return 1.0;
  const auto [lo, hi] = std::minmax_element(counts.begin(), counts.end());
  if (*lo == 0) return *hi == 0 ? 1.0 : std::numeric_limits<double>::infinity();
  return static_cast<double>(*hi) / static_cast<double>(*lo);
}

std::vector<std::size_t> lambda_counts(const OpHistogram& h, Function f) {
  std::vector<std::size_t> out;
  for (int id = 0; id < kNumOperators; ++id)
    if (op(static_cast<OperatorId>(id)).function == f) out.push_back(h.ops[id]);
  return out;
}

}  // namespace

void OpHistogram::add(const Program& p) {
  for (const Statement& s : p.statements) ++ops[s.op];
  statements += p.statements.size();
}

std::size_t OpHistogram::function_count(Function f) const {
  std::size_t n = 0;
  for (int id = 0; id < kNumOperators; ++id)
    if (op(static_cast<OperatorId>(id)).function == f) n += ops[id];
  return n;
}

double OpHistogram::function_ratio() const {
  std::vector<std::size_t> counts;
  for (int f = 0; f < kNumFunctions; ++f)
    counts.push_back(function_count(static_cast<Function>(f)));
  return ratio(counts);
}

double OpHistogram::lambda_ratio(Function f) const { return ratio(lambda_counts(*this, f)); }

double OpHistogram::worst_lambda_ratio() const {
  double worst = 1.0;
  for (Function f : kHigherOrder) worst = std::max(worst, lambda_ratio(f));
  return worst;
}

std::string OpHistogram::format() const {
  std::string out;
  char buf[128];
  const double total = statements ? static_cast<double>(statements) : 1.0;
  out += "functions (share of " + std::to_string(statements) + " statements):";
  for (int f = 0; f < kNumFunctions; ++f) {
    const std::size_t n = function_count(static_cast<Function>(f));
    std::snprintf(buf, sizeof buf, " %s %.1f%%",
                  std::string(function_name(static_cast<Function>(f))).c_str(),
                  100.0 * static_cast<double>(n) / total);
    out += buf;
  }
  std::snprintf(buf, sizeof buf, "\n  function max/min %.2f\n", function_ratio());
  out += buf;
  for (Function f : kHigherOrder) {
    out += "  ";
    out += function_name(f);
    out += ':';
    for (int id = 0; id < kNumOperators; ++id) {
      const Operator& o = op(static_cast<OperatorId>(id));
      if (o.function != f) continue;
      out += ' ';
      out += lambda_name(o.lambda);
      out += ' ';
      out += std::to_string(ops[id]);
    }
    std::snprintf(buf, sizeof buf, " (max/min %.2f)\n", lambda_ratio(f));
    out += buf;
  }
  std::snprintf(buf, sizeof buf, "  lambda max/min, worst function %.2f\n", worst_lambda_ratio());
  out += buf;
  return out;
}

OpHistogram op_histogram(const std::vector<Task>& tasks) {
  OpHistogram h;
  for (const Task& t : tasks)
    if (t.program) h.add(*t.program);
  return h;
}

}  // namespace npeps
