#include "datasets/constraints.h"

#include <gtest/gtest.h>

#include "datasets/random_program.h"
#include "generator_test_util.h"

namespace npeps {
namespace {

using testing::make_program;
using F = Function;
using L = Lambda;
const std::vector<Type> kList = {Type::List};

TEST(Constraints, MapAndSquareShrinkElementRanges) {
  auto cs = propagate_constraints(make_program(kList, {{F::Map, L::Times4, {0}}}));
  EXPECT_EQ(cs[0].elems[5], (IntRange{-64, 63}));
  cs = propagate_constraints(make_program(kList, {{F::Map, L::Square, {0}}}));
  EXPECT_EQ(cs[0].elems[5], (IntRange{-15, 15}));
  cs = propagate_constraints(make_program(kList, {{F::Map, L::Div2, {0}}}));
  EXPECT_EQ(cs[0].elems[5], (IntRange{-256, 255}));  // clipped to the value range
  EXPECT_EQ(cs[0].min_length, 1);                    // input lists are non-empty
}

TEST(Constraints, SumDependsOnTheListLength) {
  const auto cs = propagate_constraints(make_program(kList, {{F::Sum, L::None, {0}}}));
  EXPECT_EQ(cs[0].elems[1], (IntRange{-256, 255}));
  EXPECT_EQ(cs[0].elems[20], (IntRange{-12, 12}));
  EXPECT_EQ(cs[0].elems[10], (IntRange{-25, 25}));
}

TEST(Constraints, ChainsComposeBackward) {
  // MAP *2 then SUM: a list of 20 elements has sums within range only if
  // each doubled element is in [-12, 12], i.e. the element in [-6, 6].
  const auto cs = propagate_constraints(
      make_program(kList, {{F::Map, L::Times2, {0}}, {F::Sum, L::None, {1}}}));
  EXPECT_EQ(cs[0].elems[20], (IntRange{-6, 6}));
  // ACCESS: small index, a list long enough that the result is not NULL.
  const auto ca =
      propagate_constraints(make_program({Type::List, Type::Int}, {{F::Access, L::None, {1, 0}}}));
  EXPECT_EQ(ca[1].value, (IntRange{0, ConstraintOptions{}.access_index_max}));
  EXPECT_EQ(ca[0].min_length, ConstraintOptions{}.access_index_max + 1);
}

// Programs made of operators whose rules are sound: every sampled input
// must run without failing and give a non-NULL output.
TEST(Constraints, SoundRulesNeverFail) {
  const std::vector<Type> two = {Type::List, Type::List};
  const std::vector<Program> programs = {
      make_program(kList, {{F::Map, L::Times4, {0}}, {F::Sum, L::None, {1}}}),
      make_program(kList, {{F::Scan1l, L::Mul, {0}}, {F::Map, L::Square, {1}}}),
      make_program(
          two,
          {{F::ZipWith, L::Mul, {0, 1}}, {F::Scan1l, L::Add, {2}}, {F::Maximum, L::None, {3}}}),
      make_program(kList, {{F::Map, L::Times3, {0}},
                           {F::Scan1l, L::Sub, {1}},
                           {F::Sort, L::None, {2}},
                           {F::Map, L::Times2, {3}},
                           {F::Sum, L::None, {4}}}),
      make_program(
          two, {{F::ZipWith, L::Sub, {0, 1}}, {F::Map, L::Square, {2}}, {F::Head, L::None, {3}}}),
  };
  Rng rng(5);
  for (const Program& p : programs) {
    const auto cs = propagate_constraints(p);
    for (std::size_t i = 0; i < p.inputs.size(); ++i) ASSERT_TRUE(cs[i].satisfiable(p.inputs[i]));
    for (int n = 0; n < 500; ++n) {
      Value vars[kMaxGeneratedVars];
      for (std::size_t i = 0; i < p.inputs.size(); ++i) {
        vars[i] = sample_value(cs[i], p.inputs[i], rng);
        ASSERT_TRUE(cs[i].admits(vars[i]));
      }
      ASSERT_EQ(run_into(p, vars), EvalStatus::Ok);
      ASSERT_FALSE(vars[p.num_vars() - 1].is_null());
    }
  }
}

TEST(Constraints, SamplingCoversTheRange) {
  Constraint c;
  c.min_length = 1;
  c.elems[3] = {-2, 2};
  c.max_length = 3;
  Rng rng(1);
  int lengths[4] = {}, lo = 0, hi = 0;
  for (int n = 0; n < 2000; ++n) {
    const Value v = sample_value(c, Type::List, rng);
    ASSERT_TRUE(c.admits(v));
    ++lengths[v.size];
    if (v.size == 3)
      for (int i = 0; i < 3; ++i) lo += v.data[i] == -2, hi += v.data[i] == 2;
  }
  EXPECT_EQ(lengths[0], 0);
  for (int l = 1; l <= 3; ++l) EXPECT_GT(lengths[l], 500);
  EXPECT_GT(lo, 100);
  EXPECT_GT(hi, 100);
}

}  // namespace
}  // namespace npeps
