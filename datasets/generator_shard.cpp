#include "datasets/generator_shard.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <ostream>

#include <nlohmann/json.hpp>

#include "datasets/generator_chunk.h"
#include "datasets/op_balance.h"

namespace npeps {
namespace {

constexpr int kFormatVersion = 1;
// A shard stops a length at (programs_per_length / N) * kShardMargin *
// duplicate_factor + kShardSlack locally new programs. The union of N
// shards has more duplicates than each shard sees: with a local duplicate
// rate q, the run's is taken as 1 - (1 - q)^N, and duplicate_factor is the
// ratio of the two survival rates, (1 - q) / (1 - q)^N, capped at 4.
constexpr double kShardMargin = 1.15;
constexpr std::size_t kShardSlack = 4;
constexpr std::size_t kMaxChunksPerBatch = 256;

std::string signature_hex(const Signature& s) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(s.hi),
                static_cast<unsigned long long>(s.lo));
  return buf;
}

Signature signature_from_hex(const std::string& h) {
  if (h.size() != 32 || h.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw GeneratorError("bad signature '" + h + "'");
  return Signature{std::stoull(h.substr(16), nullptr, 16),
                   std::stoull(h.substr(0, 16), nullptr, 16)};
}

nlohmann::json stats_to_json(const LengthStats& s) {
  return {s.candidates, s.no_structure,  s.no_examples,    s.constant,
          s.redundant,  s.example_draws, s.example_accepts};
}

LengthStats stats_from_json(const nlohmann::json& j) {
  LengthStats s;
  s.candidates = j.at(0);
  s.no_structure = j.at(1);
  s.no_examples = j.at(2);
  s.constant = j.at(3);
  s.redundant = j.at(4);
  s.example_draws = j.at(5);
  s.example_accepts = j.at(6);
  return s;
}

nlohmann::json chunk_to_json(int length, std::uint64_t chunk, const ChunkResult& r) {
  nlohmann::json cands = nlohmann::json::array();
  for (const Candidate& c : r.candidates) {
    Task t;
    t.examples = c.examples;
    t.program = c.program;
    nlohmann::json j = task_to_json(t);
    j["signature"] = signature_hex(c.signature);
    cands.push_back(std::move(j));
  }
  return {{"length", length},
          {"chunk", chunk},
          {"stats", stats_to_json(r.stats)},
          {"candidates", std::move(cands)}};
}

ChunkResult chunk_from_json(const nlohmann::json& j, const std::string& where) {
  ChunkResult r;
  r.stats = stats_from_json(j.at("stats"));
  for (const nlohmann::json& c : j.at("candidates")) {
    Task t = task_from_json(c, where);
    r.candidates.push_back(Candidate{std::move(*t.program), std::move(t.examples),
                                     signature_from_hex(c.at("signature"))});
  }
  return r;
}

struct LocalCounts {
  std::size_t seen = 0;        // candidates not excluded
  std::size_t duplicates = 0;  // of those, already kept by this shard
};

// Candidates of a batch against the shard's own kept set (and balancer,
// when used): the count of locally new ones.
std::size_t count_new(const std::vector<ChunkResult>& results, const SignatureSet& excluded,
                      SignatureSet& kept, OpBalancer* balancer, LocalCounts& counts) {
  std::size_t fresh = 0;
  for (const ChunkResult& r : results)
    for (const Candidate& c : r.candidates) {
      if (excluded.count(c.signature)) continue;
      ++counts.seen;
      if (kept.count(c.signature)) {
        ++counts.duplicates;
        continue;
      }
      if (balancer) {
        if (!balancer->admits(c.program, c.signature)) continue;
        balancer->add(c.program);
      }
      kept.insert(c.signature);
      ++fresh;
    }
  return fresh;
}

// The locally new programs shard wants at a length (see kShardMargin).
std::size_t shard_target(std::size_t programs, int n, const LocalCounts& counts) {
  const double q = counts.seen ? double(counts.duplicates) / double(counts.seen) : 0.0;
  const double factor = std::min(4.0, (1.0 - q) / std::max(1e-9, std::pow(1.0 - q, n)));
  const double share = kShardMargin * factor * double(programs) / double(n);
  return std::min(programs, static_cast<std::size_t>(std::ceil(share)) + kShardSlack);
}

}  // namespace

nlohmann::json generator_options_to_json(const GeneratorOptions& o) {
  nlohmann::json scales = nlohmann::json::array();
  for (IntRange s : o.value_scales) scales.push_back({s.lo, s.hi});
  return {{"lengths", o.lengths},
          {"programs_per_length", o.programs_per_length},
          {"max_inputs", o.max_inputs},
          {"num_examples", o.num_examples},
          {"min_examples", o.min_examples},
          {"value_scales", std::move(scales)},
          {"balanced", o.balanced},
          {"balance_strength", o.balance_strength},
          {"seed", o.seed},
          {"example_attempts", o.example_attempts},
          {"use_constraints", o.use_constraints},
          {"index_max", o.constraints.index_max},
          {"access_index_max", o.constraints.access_index_max},
          {"input_min_length", o.constraints.input_min_length},
          {"probes", o.probes},
          {"reject_redundant", o.reject_redundant},
          {"stall_batches", o.stall_batches},
          {"min_new_fraction", o.min_new_fraction}};
}

GeneratorOptions generator_options_from_json(const nlohmann::json& j) {
  GeneratorOptions o;
  try {
    o.lengths = j.at("lengths").get<std::vector<int>>();
    o.programs_per_length = j.at("programs_per_length");
    o.max_inputs = j.at("max_inputs");
    o.num_examples = j.at("num_examples");
    o.min_examples = j.at("min_examples");
    for (const nlohmann::json& s : j.at("value_scales"))
      o.value_scales.push_back({s.at(0), s.at(1)});
    o.balanced = j.at("balanced");
    o.balance_strength = j.at("balance_strength");
    o.seed = j.at("seed");
    o.example_attempts = j.at("example_attempts");
    o.use_constraints = j.at("use_constraints");
    o.constraints.index_max = j.at("index_max");
    o.constraints.access_index_max = j.at("access_index_max");
    o.constraints.input_min_length = j.at("input_min_length");
    o.probes = j.at("probes");
    o.reject_redundant = j.at("reject_redundant");
    o.stall_batches = j.at("stall_batches");
    o.min_new_fraction = j.at("min_new_fraction");
  } catch (const nlohmann::json::exception& e) {
    throw GeneratorError(std::string("generator options: ") + e.what());
  }
  validate(o);
  return o;
}

void generate_shard(const GeneratorOptions& opts, ShardSpec spec, std::ostream& out,
                    GeneratorStats* stats) {
  validate(opts);
  if (spec.count < 1 || spec.index < 0 || spec.index >= spec.count)
    throw GeneratorError("shard " + std::to_string(spec.index) + "/" + std::to_string(spec.count) +
                         ": expected 0 <= I < N");
  const ProbeSet probes(ProbeOptions{.count = opts.probes});
  const SignatureSet excluded = excluded_signatures(opts.exclude, probes);
  nlohmann::json excluded_hex = nlohmann::json::array();
  {
    std::vector<std::string> hex;
    for (const Signature& s : excluded) hex.push_back(signature_hex(s));
    std::sort(hex.begin(), hex.end());  // the file does not depend on hash order
    excluded_hex = hex;
  }
  out << nlohmann::json{{"npeps_generate_shard", kFormatVersion},
                        {"shard", spec.index},
                        {"of", spec.count},
                        {"options", generator_options_to_json(opts)},
                        {"excluded", std::move(excluded_hex)}}
             .dump()
      << '\n';

  std::vector<int> lengths = opts.lengths;
  std::sort(lengths.begin(), lengths.end());
  lengths.erase(std::unique(lengths.begin(), lengths.end()), lengths.end());
  ChunkComputer computer(opts, probes);
  SignatureSet kept;
  GeneratorStats local;
  const auto n = static_cast<std::uint64_t>(spec.count);
  const std::size_t max_batch = std::max<std::size_t>(1, kMaxChunksPerBatch / n);
  // Progress in locally new programs against this shard's plain share.
  const std::size_t share = (opts.programs_per_length + n - 1) / n;
  std::size_t done_before = 0;
  for (int length : lengths) {
    LengthStats ls;
    ls.length = length;
    OpBalancer balancer(opts.seed ^ static_cast<std::uint64_t>(length), opts.balance_strength,
                        OpBalancer::kPrior / static_cast<double>(n));
    std::uint64_t next = 0;  // the shard's own chunk count so far
    int stalled = 0;
    LocalCounts counts;
    std::size_t target = shard_target(opts.programs_per_length, spec.count, counts);
    // The single run's schedule scaled by 1/N, plus one stalled batch of margin.
    while (ls.kept < target && stalled <= opts.stall_batches) {
      const std::size_t need = target - ls.kept;
      const double yield =
          ls.candidates ? std::max(0.02, double(ls.kept + 1) / double(ls.candidates)) : 0.25;
      const std::size_t count = std::clamp<std::size_t>(
          static_cast<std::size_t>(1.2 * double(need) / yield / kCandidatesPerChunk) + 1, 1,
          max_batch);
      std::vector<std::uint64_t> chunks(count);
      for (std::size_t i = 0; i < count; ++i)
        chunks[i] = static_cast<std::uint64_t>(spec.index) + n * (next + i);
      next += count;
      const std::vector<ChunkResult> results = computer.compute(length, chunks);
      for (std::size_t i = 0; i < count; ++i) {
        out << chunk_to_json(length, chunks[i], results[i]).dump() << '\n';
        add_counts(ls, results[i].stats);
      }
      const std::size_t fresh =
          count_new(results, excluded, kept, opts.balanced ? &balancer : nullptr, counts);
      ls.kept += fresh;
      target = shard_target(opts.programs_per_length, spec.count, counts);
      const bool saturated =
          ls.kept < target &&
          double(fresh) < opts.min_new_fraction * double(count * kCandidatesPerChunk);
      stalled = (fresh == 0 || saturated) ? stalled + 1 : 0;
      if (opts.progress)
        opts.progress(done_before + std::min(ls.kept, share), share * lengths.size());
    }
    done_before += std::min(ls.kept, share);
    ls.duplicate = counts.duplicates;
    local.lengths.push_back(ls);
  }
  if (!out) throw GeneratorError("cannot write the shard file");
  if (stats) *stats = std::move(local);
}

std::vector<Task> merge_shards(const std::vector<std::string>& paths, int threads,
                               GeneratorStats* stats, MergeReport* report,
                               std::function<void(std::size_t, std::size_t)> progress) {
  if (paths.empty()) throw GeneratorError("no shard files");
  std::map<std::pair<int, std::uint64_t>, ChunkResult> chunks;
  nlohmann::json options, excluded_hex;
  int of = -1;
  std::vector<bool> seen;
  for (const std::string& path : paths) {
    std::ifstream in(path);
    if (!in) throw GeneratorError(path + ": cannot read");
    std::string line;
    std::size_t line_no = 0;
    try {
      while (std::getline(in, line)) {
        ++line_no;
        if (line.empty()) continue;
        const nlohmann::json j = nlohmann::json::parse(line);
        if (line_no == 1) {
          if (j.value("npeps_generate_shard", 0) != kFormatVersion)
            throw GeneratorError("not a shard file of `npeps generate --shard`");
          const int index = j.at("shard"), count = j.at("of");
          if (of < 0) {
            of = count;
            options = j.at("options");
            excluded_hex = j.at("excluded");
            seen.assign(static_cast<std::size_t>(of), false);
          } else if (count != of || j.at("options") != options ||
                     j.at("excluded") != excluded_hex) {
            throw GeneratorError("a shard of a different run (options, exclusions or N differ)");
          }
          if (index < 0 || index >= of || seen[static_cast<std::size_t>(index)])
            throw GeneratorError("shard " + std::to_string(index) + " given twice or out of range");
          seen[static_cast<std::size_t>(index)] = true;
          continue;
        }
        chunks[{j.at("length").get<int>(), j.at("chunk").get<std::uint64_t>()}] =
            chunk_from_json(j, "line " + std::to_string(line_no));
      }
    } catch (const GeneratorError& e) {
      throw GeneratorError(path + ": line " + std::to_string(line_no) + ": " + e.what());
    } catch (const std::exception& e) {  // JSON or task errors
      throw GeneratorError(path + ": line " + std::to_string(line_no) + ": " + e.what());
    }
  }
  for (int i = 0; i < of; ++i)
    if (!seen[static_cast<std::size_t>(i)])
      throw GeneratorError("shard " + std::to_string(i) + "/" + std::to_string(of) + " is missing");

  GeneratorOptions opts = generator_options_from_json(options);
  opts.threads = threads;
  opts.progress = std::move(progress);
  SignatureSet excluded;
  for (const nlohmann::json& h : excluded_hex) excluded.insert(signature_from_hex(h));
  const ProbeSet probes(ProbeOptions{.count = opts.probes});
  ChunkComputer computer(opts, probes);
  MergeReport rep;
  std::vector<Task> tasks = assemble(
      opts, excluded,
      [&](int length, std::uint64_t first, std::size_t count) {
        std::vector<ChunkResult> out(count);
        std::vector<std::uint64_t> missing;
        for (std::size_t i = 0; i < count; ++i) {
          auto it = chunks.find({length, first + i});
          if (it == chunks.end()) {
            missing.push_back(first + i);
          } else {
            out[i] = std::move(it->second);
            chunks.erase(it);
            ++rep.chunks_from_shards;
          }
        }
        if (!missing.empty()) {
          std::vector<ChunkResult> computed = computer.compute(length, missing);
          for (std::size_t m = 0; m < missing.size(); ++m)
            out[missing[m] - first] = std::move(computed[m]);
          rep.chunks_computed += missing.size();
        }
        return out;
      },
      stats);
  if (report) *report = rep;
  return tasks;
}

}  // namespace npeps
