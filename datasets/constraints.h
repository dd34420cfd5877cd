// Backward value-range propagation for example generation (the idea of
// PCCoder's dsl/constraint.py, redone with exact interval arithmetic):
// starting from "every value in [-256, 255] and not NULL" at the output,
// each statement maps the constraint on its result to constraints on its
// arguments, which are intersected over every use of a variable. Inputs
// sampled inside their ranges make most random programs run without
// failing. The rules are sound where a box of values can be (MAP, SUM,
// SCAN1L +/*, ZIPWITH +/*, ...) and best effort elsewhere; the generator
// always executes the program to confirm an example. A demand that would
// leave a variable with no allowed value (two uses that conflict) is
// skipped rather than making the program unsamplable.
#pragma once

#include <array>
#include <vector>

#include "datasets/random.h"
#include "dsl/program.h"

namespace npeps {

// Closed integer interval [lo, hi]; empty when lo > hi.
struct IntRange {
  int lo = kIntMin;
  int hi = kIntMax;

  bool valid() const { return lo <= hi; }
  bool contains(int x) const { return lo <= x && x <= hi; }
  void intersect(const IntRange& o) {
    if (o.lo > lo) lo = o.lo;
    if (o.hi < hi) hi = o.hi;
  }
  friend bool operator==(const IntRange&, const IntRange&) = default;
};

// Constraint on one variable. For an INT variable only `value` applies.
// For a LIST, a length l is allowed when min_length <= l <= max_length and
// elems[l] is non-empty; the elements of a list of length l lie in
// elems[l] (length-dependent because of SUM and SCAN1L). elems[0] only
// gates whether the empty list is allowed.
struct Constraint {
  IntRange value;
  int min_length = 0;
  int max_length = kMaxListLength;
  std::array<IntRange, kMaxListLength + 1> elems{};

  bool length_allowed(int l) const {
    return l >= min_length && l <= max_length && elems[l].valid();
  }
  // Whether some value satisfies the constraint (for a variable of type t).
  bool satisfiable(Type t) const;
  void intersect(const Constraint& o);
  // Whether value v (of the variable's type) satisfies the constraint.
  bool admits(const Value& v) const;
};

struct ConstraintOptions {
  // TAKE/DROP count range [0, index_max]: small, so slices are interesting
  // (a uniform count in [-256, 255] would almost always take or drop all).
  int index_max = 10;
  // ACCESS index range [0, access_index_max]; its list then gets at least
  // access_index_max + 1 elements so the result is not NULL.
  int access_index_max = 4;
  // Shortest input list (PCCoder samples input lists of length >= 1).
  int input_min_length = 1;
};

// One constraint per variable of `p` (inputs, then statements). The output
// gets the full range and must not be NULL; every intermediate must not be
// NULL either, since a NULL argument fails. Precondition: check(p) passed.
std::vector<Constraint> propagate_constraints(const Program& p, const ConstraintOptions& opts = {});

// Draws a value of type t uniformly within the constraint: a LIST takes a
// uniformly chosen allowed length, then independent uniform elements.
// Precondition: c.satisfiable(t).
Value sample_value(const Constraint& c, Type t, Rng& rng);

}  // namespace npeps
