#include "search/beam_search.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "dsl/examples_check.h"
#include "search/memory_cap.h"
#include "search/slot_state.h"

namespace npeps {
namespace {

// One way to extend one beam entry, before it is executed.
struct Candidate {
  double score;             // parent score + statement log-probability
  std::uint32_t parent;     // rank of the parent in the current beam
  std::uint16_t statement;  // StatementIndex
};

// Strict order: higher score first, then parent rank, then statement index.
bool better(const Candidate& x, const Candidate& y) {
  if (x.score != y.score) return x.score > y.score;
  if (x.parent != y.parent) return x.parent < y.parent;
  return x.statement < y.statement;
}

// A statement of the answer in variable form, linked to its predecessor.
struct TraceNode {
  std::uint32_t prev;  // index in the previous depth's level; kNoTrace at depth 0
  Statement statement;
};
static_assert(sizeof(Candidate) <= 16 && sizeof(TraceNode) <= 8, "see beam_entry_bytes");

void validate(const std::vector<Example>& examples, const BeamSearchOptions& o) {
  if (const std::string p = examples_problem(examples); !p.empty())
    throw BeamSearchError("beam search: " + p);
  auto need = [](bool ok, const char* what) {
    if (!ok) throw BeamSearchError(std::string("beam search options: ") + what);
  };
  need(o.initial_beam >= 1, "initial_beam must be >= 1");
  need(o.beam_growth >= 2, "beam_growth must be >= 2");
  need(o.max_beam >= o.initial_beam, "max_beam must be >= initial_beam");
  need(o.initial_width >= 0, "initial_width must be >= 0");
  need(o.width_growth >= 0, "width_growth must be >= 0");
  need(o.max_depth >= 1 && o.max_depth <= kMaxBeamDepth, "max_depth must be in 1..32");
}

// Base index of each operator in the statement space.
std::array<int, kNumOperators> operator_bases() {
  std::array<int, kNumOperators> b{};
  for (int o = 0; o < kNumOperators; ++o)
    b[o] = *statement_index(Statement{static_cast<OperatorId>(o), {0, 0}});
  return b;
}

// Calls f(operator, a, b) for every statement whose argument slots of `m`
// hold the operator's argument types (b == a for unary operators), operator
// by operator, restricted to operators returning `result` when it is set.
// Stops as soon as f returns true; returns whether it did.
template <class F>
bool for_each_well_typed(const SlotMeta& m, std::optional<Type> result, F&& f) {
  int n_int = 0, n_list = 0;
  std::array<int, kNumSlots> ints{}, lists{};
  for (int s = 0; s < kNumSlots; ++s)
    if (m.occupied[s]) (m.types[s] == Type::Int ? ints[n_int++] : lists[n_list++]) = s;
  auto slots_of = [&](Type t, int& n) -> const int* {
    n = t == Type::Int ? n_int : n_list;
    return t == Type::Int ? ints.data() : lists.data();
  };
  for (int o = 0; o < kNumOperators; ++o) {
    const auto id = static_cast<OperatorId>(o);
    const Operator& opr = op(id);
    if (result && opr.result != *result) continue;
    int na = 0, nb = 1;
    const int* as = slots_of(opr.args[0], na);
    const int* bs = opr.arity == 2 ? slots_of(opr.args[1], nb) : as;
    for (int i = 0; i < na; ++i)
      for (int j = 0; j < nb; ++j)
        if (f(id, as[i], opr.arity == 2 ? bs[j] : as[i])) return true;
  }
  return false;
}

class BeamSearcher {
 public:
  BeamSearcher(const std::vector<Example>& examples, Policy& policy, const BeamSearchOptions& opts,
               const SearchLimits& limits)
      : examples_(examples),
        policy_(policy),
        opts_(opts),
        limits_(limits),
        num_examples_(static_cast<int>(examples.size())),
        num_inputs_(static_cast<int>(examples.front().inputs.size())),
        bases_(operator_bases()) {
    for (const Example& e : examples) outputs_.push_back(e.output);
    for (const Value& v : examples.front().inputs) input_types_.push_back(v.type());
    result_values_.resize(num_examples_);
    levels_.resize(opts.max_depth);
  }

  SearchResult run() {
    const Clock::time_point start = Clock::now();
    long long beam = opts_.initial_beam;
    long long width = opts_.initial_width;
    while (!solution_ && !stopped_) {
      const std::size_t entry =
          beam_entry_bytes(num_examples_, static_cast<int>(width), opts_.max_depth);
      if (memory_capped(static_cast<std::size_t>(beam) * entry)) break;
      const bool exhaustive = search(static_cast<std::size_t>(beam), static_cast<int>(width));
      if (solution_ || stopped_ || exhaustive || beam >= opts_.max_beam) break;
      beam = std::min<long long>(beam * opts_.beam_growth, opts_.max_beam);
      if (width > 0) width += opts_.width_growth;
    }
    SearchResult r;
    r.program = std::move(solution_);
    r.stats = stats_;
    r.stats.time_s = std::chrono::duration<double>(Clock::now() - start).count();
    return r;
  }

 private:
  // Reads the limits; sets stopped_ when one tripped.
  bool should_stop(bool read_clock) {
    if (stopped_) return true;
    if (stats_.nodes >= limits_.max_nodes ||
        (limits_.cancel && limits_.cancel->load(std::memory_order_relaxed)) ||
        (read_clock && Clock::now() >= limits_.deadline))
      stopped_ = true;
    return stopped_;
  }

  // Whether growing by `extra` bytes would pass the memory cap; then the
  // search stops, with the reason in its stats.
  bool memory_capped(std::size_t extra) {
    if (!would_exceed_memory_cap(limits_.max_memory_bytes, extra)) return false;
    stats_.memory_capped = stopped_ = true;
    return true;
  }

  // One beam search of the given width. Returns true when it truncated
  // nothing (so a wider one would explore the same programs).
  bool search(std::size_t beam, int width) {
    bool exhaustive = true;
    cur_.reset(num_examples_, 1);
    cur_.push_root(examples_);
    for (auto& level : levels_) level.clear();

    for (int depth = 0; depth < opts_.max_depth && cur_.size() > 0; ++depth) {
      if (should_stop(true)) return false;
      if (opts_.lookahead) {
        lookahead(depth);
        if (solution_ || stopped_) return false;
        // The lookahead tried every well-typed last statement: the policy
        // has nothing left to choose at the last depth.
        if (depth + 1 == opts_.max_depth) break;
      }
      if (memory_capped(0) || !evaluate(depth)) return false;
      if (should_stop(true)) return false;
      const bool last = depth + 1 == opts_.max_depth;
      if (!gather(width)) exhaustive = false;
      if (stopped_) return false;
      // Room for every child this step can keep; buffers only ever grow.
      // The last step's children are only checked for a solution, not stored.
      next_.reset(num_examples_, last ? 0 : std::min(beam, candidates_.size()));
      const bool cut = !expand(beam, depth, last);
      if (solution_ || stopped_) return false;
      if (cut) exhaustive = false;
      if (last) break;
      std::swap(cur_, next_);
    }
    return exhaustive;
  }

  // Tries every well-typed statement whose result type is the output's on
  // every entry of the current beam, only to check it against the outputs
  // (example by example, stopping at the first mismatch); the first match,
  // in entry order then statement index, is the solution. Counts
  // stats_.checks; reads the limits every 64 entries.
  void lookahead(int depth) {
    const Type want = outputs_.front().type();
    for (std::size_t p = 0; p < cur_.size(); ++p) {
      if (p % 64 == 63 && should_stop(true)) return;
      const SlotMeta& m = cur_.meta(p);
      const bool found = for_each_well_typed(m, want, [&](OperatorId id, int a, int b) {
        ++stats_.checks;
        if (!matches(p, id, a, b)) return false;
        const Statement var_form{
            id, {m.var[a], static_cast<VarIndex>(op(id).arity == 2 ? m.var[b] : 0)}};
        finish(m.trace, depth, var_form);
        return true;
      });
      if (found) return;
    }
  }

  // Whether statement (id, a, b) on entry p yields every example's output.
  bool matches(std::size_t p, OperatorId id, int a, int b) {
    Value& out = result_values_.front();
    for (int e = 0; e < num_examples_; ++e)
      if (apply(id, cur_.value(p, a, e), cur_.value(p, b, e), out) != EvalStatus::Ok ||
          !(out == outputs_[e]))
        return false;
    return true;
  }

  // Calls the policy once for the whole current beam. A model call cannot
  // be interrupted, so when the measured cost per state says this one
  // would end past the deadline, the search stops instead (returns false):
  // the wall-clock budget is honoured even with beams of many thousands.
  bool evaluate(int depth) {
    const std::size_t n = cur_.size();
    const Clock::time_point t0 = Clock::now();
    if (limits_.deadline != Clock::time_point::max() && seconds_per_state_ > 0 &&
        t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                 seconds_per_state_ * static_cast<double>(n))) > limits_.deadline) {
      stopped_ = true;
      return false;
    }
    batch_.clear();
    for (std::size_t i = 0; i < n; ++i) batch_.push_back(cur_.view(i, outputs_, depth));
    policy_.evaluate(batch_, scores_);
    // Small batches are dominated by per-call overhead; learn from larger ones.
    if (n >= 16)
      seconds_per_state_ = std::chrono::duration<double>(Clock::now() - t0).count() / n;
    ++stats_.model_calls;
    stats_.model_states += n;
    if (scores_.statement_logprob.size() != n * kNumStatements ||
        scores_.drop_logit.size() != n * kNumSlots)
      throw std::logic_error("beam search: policy returned " +
                             std::to_string(scores_.statement_logprob.size()) +
                             " statement scores and " + std::to_string(scores_.drop_logit.size()) +
                             " drop scores for a batch of " + std::to_string(n));
    return true;
  }

  // Slot a child of entry i is written to: the first free one, else the
  // occupied slot with the highest drop logit (NaN counts as -inf).
  int target_slot(std::size_t i) const {
    const SlotMeta& m = cur_.meta(i);
    if (!m.full()) return m.first_free();
    const float* d = scores_.drop_logit.data() + i * kNumSlots;
    int best = 0;
    float best_v = -INFINITY;
    for (int s = 0; s < kNumSlots; ++s) {
      const float v = std::isnan(d[s]) ? -INFINITY : d[s];
      if (v > best_v) best = s, best_v = v;
    }
    return best;
  }

  // Fills candidates_ with each entry's best `width` well-typed statements
  // (all when width == 0). Returns false when width cut any.
  bool gather(int width) {
    bool complete = true;
    candidates_.clear();
    targets_.resize(cur_.size());
    for (std::size_t p = 0; p < cur_.size(); ++p) {
      if (p % 64 == 63 && should_stop(true)) return complete;
      targets_[p] = static_cast<std::uint8_t>(target_slot(p));
      const SlotMeta& m = cur_.meta(p);
      const float* lp = scores_.statement_logprob.data() + p * kNumStatements;
      const double base = m.score;
      const std::size_t from = candidates_.size();
      const bool bounded = width > 0;
      std::size_t seen = 0;
      // With a width, candidates_[from..] is a heap of the best `width` so
      // far with the worst on top, so most candidates cost one comparison.
      auto add = [&](int idx) {
        const float l = lp[idx];
        if (std::isnan(l) || l == -INFINITY) return;
        const Candidate c{base + l, static_cast<std::uint32_t>(p), static_cast<std::uint16_t>(idx)};
        ++seen;
        if (!bounded) {
          candidates_.push_back(c);
          return;
        }
        auto first = candidates_.begin() + static_cast<std::ptrdiff_t>(from);
        if (candidates_.size() - from < static_cast<std::size_t>(width)) {
          candidates_.push_back(c);
          std::push_heap(candidates_.begin() + static_cast<std::ptrdiff_t>(from), candidates_.end(),
                         better);
        } else if (better(c, *first)) {
          std::pop_heap(first, candidates_.end(), better);
          candidates_.back() = c;
          std::push_heap(first, candidates_.end(), better);
        }
      };
      for_each_well_typed(m, std::nullopt, [&](OperatorId o, int a, int b) {
        add(op(o).arity == 1 ? bases_[o] + a : bases_[o] + a * kNumSlots + b);
        return false;
      });
      if (bounded && seen > static_cast<std::size_t>(width)) complete = false;
    }
    return complete;
  }

  // Executes candidates in score order until `beam` valid children exist in
  // next_ (or, on the last step, have been seen). Returns false when
  // candidates were left untried because the beam was full.
  bool expand(std::size_t beam, int depth, bool last) {
    const std::size_t total = candidates_.size();
    std::size_t kept = 0;
    std::size_t pos = 0;
    auto begin = candidates_.begin();
    while (kept < beam && pos < total) {
      // Order the next chunk only: most steps need few more than `beam`.
      const std::size_t take = std::min(total - pos, std::max<std::size_t>(beam - kept, 256));
      auto lo = begin + static_cast<std::ptrdiff_t>(pos);
      auto hi = lo + static_cast<std::ptrdiff_t>(take);
      if (hi != candidates_.end()) std::nth_element(lo, hi, candidates_.end(), better);
      std::sort(lo, hi, better);
      for (; pos < total && lo != hi && kept < beam; ++pos, ++lo) {
        if (stats_.nodes % 1024 == 1023) {
          if (limits_.live_nodes) limits_.live_nodes->fetch_add(1024, std::memory_order_relaxed);
          if (should_stop(true)) return true;
        } else if (should_stop(false)) {
          return true;
        }
        ++stats_.nodes;
        const int r = try_candidate(*lo, depth, last);
        if (r < 0) continue;
        if (solution_) return true;
        ++kept;
      }
    }
    return pos >= total;
  }

  // Runs one candidate. Returns -1 when it fails or is a duplicate, else 0
  // (and appends the child, or sets solution_).
  int try_candidate(const Candidate& c, int depth, bool last) {
    const Statement& st = statement_at(c.statement);
    const Operator& opr = op(st.op);
    const int a = st.args[0];
    const int b = opr.arity == 2 ? st.args[1] : a;
    bool solves = true;
    for (int e = 0; e < num_examples_; ++e) {
      Value& out = result_values_[e];
      if (apply(st.op, cur_.value(c.parent, a, e), cur_.value(c.parent, b, e), out) !=
          EvalStatus::Ok)
        return -1;
      solves = solves && out == outputs_[e];
    }
    const SlotMeta& pm = cur_.meta(c.parent);
    const Statement var_form{st.op,
                             {pm.var[a], static_cast<VarIndex>(opr.arity == 2 ? pm.var[b] : 0)}};
    if (solves) {
      finish(pm.trace, depth, var_form);
      return 0;
    }
    const int target = targets_[c.parent];
    if (opts_.skip_duplicate_values && duplicate(c.parent, target)) return -1;
    if (last) return 0;
    auto& level = levels_[depth];
    const auto var = static_cast<VarIndex>(num_inputs_ + depth);
    SlotMeta& m = next_.push_child(cur_, c.parent, target, result_values_, opr.result, var);
    m.score = c.score;
    m.trace = static_cast<std::uint32_t>(level.size());
    level.push_back(TraceNode{pm.trace, var_form});
    return 0;
  }

  // Whether result_values_ equals, on every example, a slot of the parent
  // other than the one the child overwrites.
  bool duplicate(std::uint32_t parent, int target) const {
    const SlotMeta& m = cur_.meta(parent);
    for (int s = 0; s < kNumSlots; ++s) {
      if (!m.occupied[s] || s == target) continue;
      int e = 0;
      while (e < num_examples_ && cur_.value(parent, s, e) == result_values_[e]) ++e;
      if (e == num_examples_) return true;
    }
    return false;
  }

  // Rebuilds the program ending with `last` after the statements traced from
  // `trace` at depth - 1, and checks it.
  void finish(std::uint32_t trace, int depth, const Statement& last) {
    Program p;
    p.inputs = input_types_;
    p.statements.resize(static_cast<std::size_t>(depth) + 1);
    p.statements[depth] = last;
    for (int d = depth - 1; d >= 0; --d) {
      const TraceNode& t = levels_[d][trace];
      p.statements[d] = t.statement;
      trace = t.prev;
    }
    if (!satisfies(p, examples_))
      throw std::logic_error("beam search: reconstructed program does not satisfy the examples");
    solution_ = std::move(p);
  }

  const std::vector<Example>& examples_;
  Policy& policy_;
  const BeamSearchOptions& opts_;
  const SearchLimits& limits_;
  const int num_examples_;
  const int num_inputs_;
  const std::array<int, kNumOperators> bases_;
  std::vector<Value> outputs_;
  std::vector<Type> input_types_;

  SlotArena cur_, next_;                        // this step's beam, the next one
  std::vector<PartialProgram> batch_;           // views of cur_ for the policy
  PolicyOutput scores_;                         // the policy's answer for cur_
  std::vector<Candidate> candidates_;           // this step's candidates
  std::vector<std::uint8_t> targets_;           // slot each parent's children write
  std::vector<Value> result_values_;            // the executing statement's values
  std::vector<std::vector<TraceNode>> levels_;  // statements by depth, for the answer

  SearchStats stats_;
  std::optional<Program> solution_;
  bool stopped_ = false;
  double seconds_per_state_ = 0;  // measured policy cost per state (0 = not yet known)
};

}  // namespace

SearchResult beam_search(const std::vector<Example>& examples, Policy& policy,
                         const BeamSearchOptions& opts, const SearchLimits& limits) {
  validate(examples, opts);
  return BeamSearcher(examples, policy, opts, limits).run();
}

}  // namespace npeps
