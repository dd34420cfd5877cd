#include "search/enumerator.h"

#include <algorithm>
#include <array>
#include <memory>
#include <string>

#include "dsl/examples_check.h"

namespace npeps {
namespace {

constexpr int kMaxVars = kMaxInputs + kMaxEnumLength;
constexpr std::uint64_t kClockEvery = 1024;  // nodes between clock/cancel reads

inline bool same_value(const Value& a, const Value& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == Kind::List) {
    if (a.size != b.size) return false;
    // Lists are short: a plain loop beats a call to memcmp.
    for (int i = 0; i < a.size; ++i)
      if (a.data[i] != b.data[i]) return false;
    return true;
  }
  return a.kind == Kind::Null || a.data[0] == b.data[0];
}

// ZIPWITH lambdas whose arguments commute; for min/max, f(x, x) = x too.
inline bool commutes(const Operator& o) {
  return o.function == Function::ZipWith && o.lambda != Lambda::Sub;
}
inline bool idempotent(const Operator& o) {
  return o.function == Function::ZipWith && (o.lambda == Lambda::Min || o.lambda == Lambda::Max);
}

inline std::uint64_t mix(std::uint64_t x) {  // splitmix64's finalizer
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A hash of an expression for canonical_order: of its operator and its
// arguments' hashes (an input's is a hash of its index), so it does not
// depend on where the statements stand. A commuting operator's arguments
// are taken in hash order.
inline std::uint64_t expression_hash(OperatorId id, const Operator& o, std::uint64_t a,
                                     std::uint64_t b) {
  if (o.arity == 1) b = 0x9e3779b97f4a7c15ULL;
  if (commutes(o) && b < a) std::swap(a, b);
  return mix(mix(mix(id + 1) ^ a) + b);
}

// The search state of one enumerate() call. Values live in fixed arrays
// indexed [variable][example]; a statement writes only its own row, so
// backtracking is free. No allocation after construction.
class Enumerator {
 public:
  Enumerator(const std::vector<Example>& examples, Type out_type, const EnumeratorOptions& opts,
             const SearchLimits& limits)
      : limits_(limits) {
    num_examples_ = static_cast<int>(examples.size());
    num_inputs_ = static_cast<int>(examples[0].inputs.size());
    for (int e = 0; e < num_examples_; ++e) {
      outputs_[e] = examples[e].output;
      for (int v = 0; v < num_inputs_; ++v) values_[v][e] = examples[e].inputs[v];
    }
    for (int v = 0; v < num_inputs_; ++v) {
      types_[v] = examples[0].inputs[v].type();
      hash_[v] = mix(static_cast<std::uint64_t>(v) + 0x51ed27ULL);
      // An input that need not be used starts out "used".
      uses_[v] = opts.require_inputs_used ? 0 : 1;
      unused_ += uses_[v] == 0;
      push_var(static_cast<VarIndex>(v));
    }
    input_types_.assign(types_, types_ + num_inputs_);
    canonical_ = opts.canonical_order;
    num_order_ = opts.num_operators > 0 ? opts.num_operators : kNumOperators;
    for (int k = 0; k < num_order_; ++k)
      order_[k] = opts.operator_order.empty() ? static_cast<OperatorId>(k) : opts.operator_order[k];
    for (int k = 0; k < num_order_; ++k)
      if (op(order_[k]).result == out_type) final_ops_[num_final_ops_++] = order_[k];
    for (int k = 0; k < num_order_; ++k) position_[order_[k]] = static_cast<std::uint64_t>(k);
  }

  // Tries programs of exactly `length` statements. True when one satisfies
  // every example (then program() returns it).
  bool search(int length) {
    length_ = length;
    return !stopped_ && dfs(0);
  }

  bool stopped() const { return stopped_; }
  std::uint64_t nodes() const { return nodes_; }
  Program program() const {
    return Program{input_types_, std::vector<Statement>(stmts_, stmts_ + length_)};
  }

 private:
  void push_var(VarIndex v) {
    if (types_[v] == Type::Int)
      int_vars_[num_int_++] = v;
    else
      list_vars_[num_list_++] = v;
  }

  // Counts a node and reads the clock now and then. False when a limit trips.
  bool take_node() {
    if (nodes_ >= limits_.max_nodes) return stopped_ = true, false;
    if (++nodes_ >= next_check_) {
      next_check_ += kClockEvery;
      if (limits_.live_nodes) limits_.live_nodes->fetch_add(kClockEvery, std::memory_order_relaxed);
      if ((limits_.cancel && limits_.cancel->load(std::memory_order_relaxed)) ||
          Clock::now() >= limits_.deadline)
        return stopped_ = true, false;
    }
    return true;
  }

  // Chooses statement `depth` (0-based) of a program of length_ statements.
  bool dfs(int depth) {
    const int remaining = length_ - depth - 1;  // statements after this one
    if (remaining == 0) return last_statement(depth);
    const auto& ops = operators();
    for (int k = 0; k < num_order_; ++k) {
      const OperatorId id = order_[k];
      const Operator& o = ops[id];
      // A statement uses at most `arity` unused variables and adds one; what
      // stays unused must be coverable by the rest (see admissible()).
      if (unused_ - o.arity + 1 > remaining + 1) continue;
      const VarIndex* as = o.args[0] == Type::Int ? int_vars_ : list_vars_;
      const int na = o.args[0] == Type::Int ? num_int_ : num_list_;
      if (o.arity == 1) {
        for (int i = 0; i < na; ++i) {
          if (try_statement(static_cast<OperatorId>(id), as[i], as[i], depth, remaining))
            return true;
          if (stopped_) return false;
        }
        continue;
      }
      const VarIndex* bs = o.args[1] == Type::Int ? int_vars_ : list_vars_;
      const int nb = o.args[1] == Type::Int ? num_int_ : num_list_;
      // Both ZIPWITH arguments are lists, so bs == as and j >= i covers each
      // unordered pair once.
      const bool sym = commutes(o);
      // f(x, x) = x for min/max: redundant (not so for the last statement,
      // whose output may equal a variable; see last_statement()).
      const int skip_self = idempotent(o) ? 1 : 0;
      for (int i = 0; i < na; ++i) {
        for (int j = sym ? i + skip_self : 0; j < nb; ++j) {
          if (try_statement(static_cast<OperatorId>(id), as[i], bs[j], depth, remaining))
            return true;
          if (stopped_) return false;
        }
      }
    }
    return false;
  }

  // Every variable but the output must be used by a later statement (a
  // shortest program has no dead code). The remaining statements have at
  // most 2 argument slots each and must also consume the remaining-1
  // variables they create, so at most remaining+1 may be unused now.
  bool admissible(int unused_after, int remaining) const { return unused_after <= remaining + 1; }

  // The last statement. Every unused variable must be one of its arguments,
  // so with one or two unused variables the candidates are enumerated
  // directly rather than filtered. Its result must have the output type.
  bool last_statement(int depth) {
    if (unused_ > 2) return false;
    VarIndex u[2] = {0, 0};
    int nu = 0;
    for (int v = 0; v < num_inputs_ + depth && nu < unused_; ++v)
      if (uses_[v] == 0) u[nu++] = static_cast<VarIndex>(v);
    for (int k = 0; k < num_final_ops_; ++k) {
      const OperatorId id = final_ops_[k];
      const Operator& o = op(id);
      const VarIndex* as = o.args[0] == Type::Int ? int_vars_ : list_vars_;
      const int na = o.args[0] == Type::Int ? num_int_ : num_list_;
      const VarIndex* bs = o.args[1] == Type::Int ? int_vars_ : list_vars_;
      const int nb = o.args[1] == Type::Int ? num_int_ : num_list_;
      if (o.arity == 1) {
        if (nu == 2) continue;
        if (nu == 1) {
          if (types_[u[0]] == o.args[0] && try_final(id, u[0], u[0], depth)) return true;
        } else {
          for (int i = 0; i < na && !stopped_; ++i)
            if (try_final(id, as[i], as[i], depth)) return true;
        }
      } else if (nu == 2) {
        if (types_[u[0]] == o.args[0] && types_[u[1]] == o.args[1] &&
            try_final(id, u[0], u[1], depth))
          return true;
        if (!commutes(o) && types_[u[1]] == o.args[0] && types_[u[0]] == o.args[1] &&
            try_final(id, u[1], u[0], depth))
          return true;
      } else if (nu == 1) {
        if (types_[u[0]] == o.args[0])
          for (int j = 0; j < nb && !stopped_; ++j)
            if (try_final(id, u[0], bs[j], depth)) return true;
        // For commuting lambdas (u, b) above already covered (b, u).
        if (types_[u[0]] == o.args[1] && !commutes(o))
          for (int i = 0; i < na && !stopped_; ++i)
            if (as[i] != u[0] && try_final(id, as[i], u[0], depth)) return true;
      } else {
        const bool sym = commutes(o);
        for (int i = 0; i < na; ++i)
          for (int j = sym ? i : 0; j < nb && !stopped_; ++j)
            if (try_final(id, as[i], bs[j], depth)) return true;
      }
      if (stopped_) return false;
    }
    return false;
  }

  // canonical_order: a statement at `depth` whose newest argument is
  // variable `last_arg` could stand right after that variable's statement,
  // so it must rank after every statement placed since. Of the orders of a
  // program's statements, exactly the one that always places the
  // lowest-ranked statement whose arguments exist passes (the smallest
  // topological order by rank), so a length stays searched completely.
  // The last statement needs no check: it uses the one before it, which
  // would otherwise stay unused.
  bool in_canonical_order(std::uint64_t rank, int last_arg, int depth) const {
    for (int k = std::max(last_arg - num_inputs_ + 1, 0); k < depth; ++k)
      if (rank_[num_inputs_ + k] > rank) return false;
    return true;
  }

  // Runs a last-statement candidate, stopping at the first example whose
  // output it misses. True (and the statement recorded) when it matches all.
  bool try_final(OperatorId id, VarIndex a, VarIndex b, int depth) {
    if (!take_node()) return false;
    const Value* va = values_[a];
    const Value* vb = values_[b];
    Value out;
    for (int e = 0; e < num_examples_; ++e)
      if (apply(id, va[e], vb[e], out) != EvalStatus::Ok || !same_value(out, outputs_[e]))
        return false;
    stmts_[depth] = Statement{id, {a, op(id).arity == 2 ? b : VarIndex{0}}};
    return true;
  }

  // A statement before the last: runs it on every example into the new
  // variable's row, prunes it, and recurses.
  bool try_statement(OperatorId id, VarIndex a, VarIndex b, int depth, int remaining) {
    const int fresh = (uses_[a] == 0) + (b != a && uses_[b] == 0);
    const int unused_after = unused_ - fresh + 1;
    if (!admissible(unused_after, remaining)) return false;
    const Operator& o = op(id);
    const std::uint64_t hash = expression_hash(id, o, hash_[a], hash_[b]);
    // The rank: the operator's place in the search's order first, so that
    // of a program's orders the one kept is the one the search reaches
    // first (up to two statements of one operator, ordered by hash).
    const std::uint64_t rank = position_[id] << 56 | hash >> 8;
    if (canonical_ && !in_canonical_order(rank, std::max(a, b), depth)) return false;
    if (!take_node()) return false;
    const Value* va = values_[a];
    const Value* vb = values_[b];
    const Statement s{id, {a, o.arity == 2 ? b : VarIndex{0}}};

    const int n = num_inputs_ + depth;  // the new variable
    Value* vn = values_[n];
    for (int e = 0; e < num_examples_; ++e) {
      // A NULL intermediate makes every later use fail, so it is useless
      // before the last statement.
      if (apply(id, va[e], vb[e], vn[e]) != EvalStatus::Ok || vn[e].is_null()) return false;
    }
    // Observational equivalence: a value vector some variable already has
    // adds nothing (programs using it have a shorter equivalent).
    const VarIndex* same = o.result == Type::Int ? int_vars_ : list_vars_;
    const int num_same = o.result == Type::Int ? num_int_ : num_list_;
    for (int i = 0; i < num_same; ++i) {
      const Value* vv = values_[same[i]];
      int e = 0;
      while (e < num_examples_ && same_value(vv[e], vn[e])) ++e;
      if (e == num_examples_) return false;
    }

    stmts_[depth] = s;
    types_[n] = o.result;
    hash_[n] = hash;
    rank_[n] = rank;
    uses_[n] = 0;
    ++uses_[a];
    if (b != a) ++uses_[b];
    const int saved_unused = unused_;
    const int saved_int = num_int_, saved_list = num_list_;
    unused_ = unused_after;
    push_var(static_cast<VarIndex>(n));
    const bool found = dfs(depth + 1);
    unused_ = saved_unused;
    num_int_ = saved_int;
    num_list_ = saved_list;
    --uses_[a];
    if (b != a) --uses_[b];
    return found;
  }

  const SearchLimits& limits_;
  int num_examples_ = 0;
  int num_inputs_ = 0;
  int length_ = 0;
  std::vector<Type> input_types_;

  Value values_[kMaxVars][kMaxExamples];
  Value outputs_[kMaxExamples];
  Type types_[kMaxVars] = {};
  std::uint64_t hash_[kMaxVars] = {};           // canonical_order: expression hashes
  std::uint64_t rank_[kMaxVars] = {};           // and the statements' ranks
  std::uint64_t position_[kNumOperators] = {};  // each operator's place in order_
  bool canonical_ = true;
  int uses_[kMaxVars] = {};            // later statements using each variable
  int unused_ = 0;                     // variables with uses_ == 0
  VarIndex int_vars_[kMaxVars] = {};   // defined INT variables, in order
  VarIndex list_vars_[kMaxVars] = {};  // defined LIST variables, in order
  int num_int_ = 0;
  int num_list_ = 0;
  Statement stmts_[kMaxEnumLength];
  OperatorId order_[kNumOperators] = {};      // the order statements try operators in
  int num_order_ = kNumOperators;             // statements use order_[0..num_order_)
  OperatorId final_ops_[kNumOperators] = {};  // those whose result has the output type, in order
  int num_final_ops_ = 0;

  std::uint64_t nodes_ = 0;
  std::uint64_t next_check_ = kClockEvery;
  bool stopped_ = false;
};

// Validates the examples; returns the output type, or nullopt when the
// outputs cannot come from one program (LIST on one example, INT or NULL on
// another; a LIST-typed program never outputs NULL).
std::optional<Type> check_examples(const std::vector<Example>& examples,
                                   const EnumeratorOptions& opts) {
  if (opts.max_length < 1 || opts.max_length > kMaxEnumLength)
    throw EnumeratorError("max_length is " + std::to_string(opts.max_length) + " (must be 1.." +
                          std::to_string(kMaxEnumLength) + ")");
  if (!opts.operator_order.empty()) {
    std::array<bool, kNumOperators> seen{};
    bool ok = opts.operator_order.size() == static_cast<std::size_t>(kNumOperators);
    for (std::size_t k = 0; ok && k < opts.operator_order.size(); ++k) {
      const OperatorId id = opts.operator_order[k];
      ok = id < kNumOperators && !seen[id];
      if (ok) seen[id] = true;
    }
    if (!ok) throw EnumeratorError("operator_order is not a permutation of the operator ids");
  }
  if (opts.num_operators < 0 || opts.num_operators > kNumOperators)
    throw EnumeratorError("num_operators is " + std::to_string(opts.num_operators) +
                          " (must be 0.." + std::to_string(kNumOperators) + ")");
  if (opts.min_length < 1 || opts.min_length > opts.max_length)
    throw EnumeratorError("min_length is " + std::to_string(opts.min_length) + " (must be 1.." +
                          std::to_string(opts.max_length) + ")");
  if (const std::string p = examples_problem(examples); !p.empty()) throw EnumeratorError(p);
  bool any_list = false, any_other = false;
  for (const Example& e : examples) (e.output.is_list() ? any_list : any_other) = true;
  if (any_list && any_other) return std::nullopt;
  return any_list ? Type::List : Type::Int;
}

}  // namespace

SearchResult enumerate(const std::vector<Example>& examples, const EnumeratorOptions& opts,
                       const SearchLimits& limits) {
  const auto start = Clock::now();
  SearchResult result;
  const std::optional<Type> out_type = check_examples(examples, opts);
  if (out_type) {
    // ~15 KB of state: on the heap, not the caller's (possibly small) stack.
    SearchLimits live = limits;  // the enumerator reads its deadline; after_length may move it
    auto state = std::make_unique<Enumerator>(examples, *out_type, opts, live);
    for (int length = opts.min_length; length <= opts.max_length && !state->stopped(); ++length) {
      if (length > opts.min_length && opts.after_length)
        live.deadline = std::min(limits.deadline, opts.after_length(length - 1, state->nodes()));
      if (Clock::now() >= live.deadline) break;
      if (state->search(length)) {
        Program p = state->program();
        if (!satisfies(p, examples))
          throw std::logic_error("enumerate: found program fails verification (bug)");
        result.program = std::move(p);
        break;
      }
    }
    result.stats.nodes = state->nodes();
  }
  result.stats.time_s = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

}  // namespace npeps
