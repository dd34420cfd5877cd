#include "datasets/generator_flags.h"

#include <sstream>
#include <stdexcept>

#include "datasets/generator.h"

namespace npeps {
namespace {

int to_int(const std::string& s, const std::string& what) {
  std::size_t used = 0;
  int v = 0;
  try {
    v = std::stoi(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != s.size()) throw std::invalid_argument(what);
  return v;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, sep)) out.push_back(part);
  return out;
}

}  // namespace

std::vector<int> parse_lengths(const std::string& s) {
  const std::string what = "expected e.g. 1-4 or 4,8,12, got '" + s + "'";
  std::vector<int> out;
  for (const std::string& part : split(s, ',')) {
    const auto dash = part.find('-', 1);
    if (dash == std::string::npos) {
      out.push_back(to_int(part, what));
    } else {
      const int a = to_int(part.substr(0, dash), what), b = to_int(part.substr(dash + 1), what);
      if (a > b) throw std::invalid_argument(what);
      for (int l = a; l <= b; ++l) out.push_back(l);
    }
  }
  if (out.empty()) throw std::invalid_argument("no lengths given");
  for (int l : out)
    if (l < 1 || l > 30) throw std::invalid_argument("lengths must be in 1..30");
  return out;
}

std::pair<int, int> parse_example_range(const std::string& s) {
  const std::string what = "expected a count in 1..10 or a range such as 1-5, got '" + s + "'";
  const auto dash = s.find('-', 1);
  const int lo = to_int(s.substr(0, dash), what);
  const int hi = dash == std::string::npos ? lo : to_int(s.substr(dash + 1), what);
  if (lo < 1 || hi > 10 || lo > hi) throw std::invalid_argument(what);
  return {lo, hi};
}

std::vector<IntRange> parse_value_scales(const std::string& s) {
  if (s == "mixed") return mixed_value_scales();
  const std::string what =
      "expected 'mixed' or ranges LO:HI within -256:255, comma-separated "
      "(e.g. --value-scales=-50:50), got '" + s + "'";
  std::vector<IntRange> out;
  for (const std::string& part : split(s, ',')) {
    const auto colon = part.find(':');
    if (colon == std::string::npos) throw std::invalid_argument(what);
    const IntRange r{to_int(part.substr(0, colon), what), to_int(part.substr(colon + 1), what)};
    if (!r.valid() || r.lo < kIntMin || r.hi > kIntMax) throw std::invalid_argument(what);
    out.push_back(r);
  }
  if (out.empty()) throw std::invalid_argument(what);
  return out;
}

std::pair<int, int> parse_shard(const std::string& s) {
  const std::string what = "expected I/N with 0 <= I < N, got '" + s + "'";
  const auto slash = s.find('/');
  if (slash == std::string::npos) throw std::invalid_argument(what);
  const int i = to_int(s.substr(0, slash), what), n = to_int(s.substr(slash + 1), what);
  if (n < 1 || i < 0 || i >= n) throw std::invalid_argument(what);
  return {i, n};
}

}  // namespace npeps
