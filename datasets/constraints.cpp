#include "datasets/constraints.h"

#include <algorithm>
#include <cstdint>

namespace npeps {
namespace {

constexpr IntRange kFull{kIntMin, kIntMax};
constexpr IntRange kEmpty{1, 0};

int floor_div(int a, int b) {  // b > 0
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}
int ceil_div(int a, int b) {  // b > 0
  return a >= 0 ? (a + b - 1) / b : -((-a) / b);
}

IntRange clip(IntRange r) {
  r.intersect(kFull);
  return r;
}

// Largest c >= 0 with c^e <= m (0 when m < 0... treated as 0).
int int_root(int m, int e) {
  if (m <= 0) return 0;
  int c = 0;
  for (;;) {
    std::int64_t p = 1;
    for (int i = 0; i < e && p <= m; ++i) p *= (c + 1);
    if (p > m) return c;
    ++c;
  }
}

// {x : f(x) in r} (or an interval hull of it) for a unary lambda.
IntRange unary_preimage(Lambda l, IntRange r) {
  if (!r.valid()) return kEmpty;
  auto mul = [&](int k) { return IntRange{ceil_div(r.lo, k), floor_div(r.hi, k)}; };
  auto div = [&](int k) {  // truncating division
    return IntRange{r.lo > 0 ? r.lo * k : r.lo * k - (k - 1),
                    r.hi >= 0 ? r.hi * k + k - 1 : r.hi * k};
  };
  IntRange x;
  switch (l) {
    case Lambda::Plus1: x = {r.lo - 1, r.hi - 1}; break;
    case Lambda::Minus1: x = {r.lo + 1, r.hi + 1}; break;
    case Lambda::Times2: x = mul(2); break;
    case Lambda::Times3: x = mul(3); break;
    case Lambda::Times4: x = mul(4); break;
    case Lambda::Div2: x = div(2); break;
    case Lambda::Div3: x = div(3); break;
    case Lambda::Div4: x = div(4); break;
    case Lambda::Neg: x = {-r.hi, -r.lo}; break;
    case Lambda::Square: {
      if (r.hi < 0) return kEmpty;
      const int m = int_root(r.hi, 2);
      x = {-m, m};  // hull; x^2 >= r.lo is left to execution
      break;
    }
    default: x = r;
  }
  return clip(x);
}

// A box [p, q] such that combining `depth` + 1 values from it with a binary
// lambda (a chain: ZIPWITH has depth 1, SCAN1L over l elements depth l - 1)
// stays in r. Exact for + and *, min and max; best effort for -.
IntRange binary_box(Lambda l, IntRange r, int depth) {
  if (!r.valid()) return kEmpty;
  const int n = depth + 1;  // values combined
  switch (l) {
    case Lambda::Min:
    case Lambda::Max: return r;
    case Lambda::Add: {
      // Every partial sum of i <= n values lies in [i*p, i*q]; ensure it is in r.
      IntRange x = kFull;
      for (int i = 1; i <= n; ++i) x.intersect({ceil_div(r.lo, i), floor_div(r.hi, i)});
      return x;
    }
    case Lambda::Sub: {
      const int m = std::min(r.hi, -r.lo);
      if (m >= n) {  // |x0 - x1 - ... | <= n * c
        const int c = m / n;
        return {-c, c};
      }
      if (depth == 0) return r;
      return {0, std::max(0, (r.hi - r.lo) / (2 * n))};
    }
    case Lambda::Mul: {
      if (r.lo <= -1 && r.hi >= 1) {
        const int c = int_root(std::min(r.hi, -r.lo), n);
        return {-c, c};
      }
      if (r.lo <= 0 && r.hi >= 0) return {0, int_root(r.hi, n)};
      if (r.lo > 0) return IntRange{1, int_root(r.hi, n)};
      return r;
    }
    default: return r;
  }
}

// Element range for an input list of length l whose elements end up in a
// result list of some length m <= l (FILTER, TAKE, DROP, ZIPWITH): the
// intersection of the result's ranges over its allowed lengths 1..l.
Constraint shrinking_source(const Constraint& out) {
  Constraint in;
  IntRange acc = kFull;
  for (int l = 1; l <= kMaxListLength; ++l) {
    if (out.length_allowed(l)) acc.intersect(out.elems[l]);
    in.elems[l] = acc;
  }
  in.min_length = out.min_length;
  return in;
}

void apply_statement(const Statement& s, const Constraint& out, const ConstraintOptions& opts,
                     std::vector<Constraint>& cs) {
  const Operator& o = op(s.op);
  Constraint a, b;  // implied constraints on arguments 0 and 1
  const IntRange r = out.value;
  switch (o.function) {
    case Function::Head:
    case Function::Tail:
    case Function::Minimum:
    case Function::Maximum:
      for (int l = 1; l <= kMaxListLength; ++l) a.elems[l] = r;
      a.min_length = 1;  // NULL on [] would fail the next use (or the output)
      break;
    case Function::Reverse:
    case Function::Sort:
      a = out;
      a.value = kFull;
      break;
    case Function::Sum:
      if (!r.contains(0)) a.elems[0] = kEmpty;
      for (int l = 1; l <= kMaxListLength; ++l)
        a.elems[l] = clip({ceil_div(r.lo, l), floor_div(r.hi, l)});
      break;
    case Function::Count:
      a.min_length = std::max(0, r.lo);               // necessary
      a.max_length = std::min(kMaxListLength, r.hi);  // sufficient
      break;
    case Function::Filter:
      a = shrinking_source(out);
      // Best effort: a longer source makes a non-empty result likely
      // (about half the elements of a random list pass each predicate).
      if (out.min_length > 0) a.min_length = std::min(kMaxListLength, 2 * out.min_length + 3);
      break;
    case Function::Map:
      a.min_length = out.min_length;
      a.max_length = out.max_length;
      a.elems[0] = out.elems[0];
      for (int l = 1; l <= kMaxListLength; ++l) a.elems[l] = unary_preimage(o.lambda, out.elems[l]);
      break;
    case Function::Scan1l:
      a.min_length = out.min_length;
      a.max_length = out.max_length;
      a.elems[0] = out.elems[0];
      for (int l = 1; l <= kMaxListLength; ++l)
        a.elems[l] = binary_box(o.lambda, out.elems[l], l - 1);
      break;
    case Function::ZipWith: {
      a = shrinking_source(out);
      for (int l = 1; l <= kMaxListLength; ++l) a.elems[l] = binary_box(o.lambda, a.elems[l], 1);
      b = a;
      break;
    }
    case Function::Take:
      a.value = {std::max(0, out.min_length), std::min(opts.index_max, out.max_length)};
      b = shrinking_source(out);
      break;
    case Function::Drop:
      b = shrinking_source(out);
      if (out.min_length > 0) {  // len - n >= out.min_length, as for ACCESS
        a.value = {0, opts.access_index_max};
        b.min_length = std::min(kMaxListLength, out.min_length + opts.access_index_max);
      } else {
        a.value = {0, opts.index_max};
      }
      break;
    case Function::Access:
      a.value = {0, opts.access_index_max};
      for (int l = 1; l <= kMaxListLength; ++l) b.elems[l] = r;
      b.min_length = opts.access_index_max + 1;
      break;
  }
  // Greedy: a demand that would leave a variable with no allowed value is
  // dropped (execution then decides), so one conflict between two uses
  // does not make the whole program unsamplable.
  auto meet = [&](int v, Type t, const Constraint& c) {
    Constraint m = cs[v];
    m.intersect(c);
    if (m.satisfiable(t)) cs[v] = m;
  };
  meet(s.args[0], o.args[0], a);
  if (o.arity == 2) meet(s.args[1], o.args[1], b);
}

}  // namespace

bool Constraint::satisfiable(Type t) const {
  if (t == Type::Int) return value.valid();
  for (int l = 0; l <= kMaxListLength; ++l)
    if (length_allowed(l)) return true;
  return false;
}

void Constraint::intersect(const Constraint& o) {
  value.intersect(o.value);
  min_length = std::max(min_length, o.min_length);
  max_length = std::min(max_length, o.max_length);
  for (int l = 0; l <= kMaxListLength; ++l) elems[l].intersect(o.elems[l]);
}

bool Constraint::admits(const Value& v) const {
  if (v.is_null()) return false;
  if (v.is_int()) return value.contains(v.as_int());
  if (!length_allowed(v.size)) return false;
  for (int i = 0; i < v.size; ++i)
    if (!elems[v.size].contains(v.data[i])) return false;
  return true;
}

std::vector<Constraint> propagate_constraints(const Program& p, const ConstraintOptions& opts) {
  const int k = static_cast<int>(p.inputs.size());
  std::vector<Constraint> cs(p.num_vars());
  for (int i = 0; i < k; ++i)
    if (p.inputs[i] == Type::List) cs[i].min_length = opts.input_min_length;
  for (int i = static_cast<int>(p.statements.size()) - 1; i >= 0; --i)
    apply_statement(p.statements[i], cs[k + i], opts, cs);
  return cs;
}

Value sample_value(const Constraint& c, Type t, Rng& rng) {
  if (t == Type::Int) return Value::integer(uniform_int(rng, c.value.lo, c.value.hi));
  int allowed[kMaxListLength + 1];
  int n = 0;
  for (int l = 0; l <= kMaxListLength; ++l)
    if (c.length_allowed(l)) allowed[n++] = l;
  const int len = allowed[uniform_int(rng, 0, n - 1)];
  Value v;
  v.kind = Kind::List;
  v.size = static_cast<std::uint8_t>(len);
  const IntRange e = c.elems[len];
  for (int i = 0; i < len; ++i) v.data[i] = static_cast<std::int16_t>(uniform_int(rng, e.lo, e.hi));
  return v;
}

}  // namespace npeps
