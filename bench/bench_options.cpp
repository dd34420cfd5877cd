#include "bench/bench_options.h"

#include <algorithm>
#include <charconv>

#include "npeps/synthesizer.h"

namespace npeps {

void validate(const BenchOptions& opts) {
  if (opts.methods.empty()) throw BenchError("--methods: give at least one method");
  for (std::size_t i = 0; i < opts.methods.size(); ++i) {
    const std::string& m = opts.methods[i];
    const std::vector<std::string> known_methods = Synthesizer::methods();
    if (std::find(known_methods.begin(), known_methods.end(), m) == known_methods.end()) {
      std::string known;
      for (const std::string& name : known_methods) known += (known.empty() ? "" : ", ") + name;
      throw BenchError("--methods: unknown method '" + m + "' (available: " + known + ")");
    }
    for (std::size_t j = 0; j < i; ++j)
      if (opts.methods[j] == m) throw BenchError("--methods: '" + m + "' given twice");
  }
  if (!(opts.timeout_s >= 0)) throw BenchError("--timeout must be a number of seconds >= 0");
  if (opts.timeout_s == 0 && opts.max_nodes == 0)
    throw BenchError("give a budget: --timeout SECONDS > 0 or --max-nodes N > 0");
  if (opts.threads < 1 || opts.threads > kMaxThreads)
    throw BenchError("--threads must be in 1.." + std::to_string(kMaxThreads));
  if (opts.holdout < 0 || opts.holdout > 9) throw BenchError("--holdout must be in 0..9");
  if (opts.shard_count < 1 || opts.shard_index < 0 || opts.shard_index >= opts.shard_count)
    throw BenchError("--shard I/N needs 0 <= I < N");
  if (opts.task_files.empty() && opts.suite.empty())
    throw BenchError("give --tasks FILE[,FILE...] or --suite e1|e2");
  if (!opts.task_files.empty() && !opts.suite.empty())
    throw BenchError("give either --tasks or --suite, not both");
  if (opts.task_files.empty() && opts.suite_size == 0)
    throw BenchError("--suite-size must be at least 1");
  if (opts.task_files.empty() && opts.holdout + 5 > 10)
    throw BenchError(
        "--holdout with a suite must be in 0..5 (suite tasks have 5 + holdout examples, at most "
        "10)");
}

void parse_shard(const std::string& text, int& index, int& count) {
  const auto slash = text.find('/');
  auto number = [&](std::string_view s, int& out) {
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty();
  };
  int i = 0, n = 0;
  if (slash == std::string::npos || !number(std::string_view(text).substr(0, slash), i) ||
      !number(std::string_view(text).substr(slash + 1), n))
    throw BenchError("--shard: expected I/N (e.g. 0/4), got '" + text + "'");
  if (n < 1 || i < 0 || i >= n) throw BenchError("--shard " + text + ": needs 0 <= I < N");
  index = i;
  count = n;
}

}  // namespace npeps
