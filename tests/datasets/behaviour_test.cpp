#include "datasets/behaviour.h"

#include <gtest/gtest.h>

#include "generator_test_util.h"

namespace npeps {
namespace {

using testing::make_program;
using F = Function;
using L = Lambda;
const std::vector<Type> kList = {Type::List};

class BehaviourTest : public ::testing::Test {
 protected:
  Signature sig(const Program& p) { return behaviour_signature(p, probes_); }
  ProbeSet probes_;
};

TEST_F(BehaviourTest, EquivalentProgramsShareASignature) {
  const Program sort = make_program(kList, {{F::Sort, L::None, {0}}});
  EXPECT_EQ(sig(sort),
            sig(make_program(kList, {{F::Sort, L::None, {0}}, {F::Sort, L::None, {1}}})));
  EXPECT_EQ(sig(sort), sig(make_program(kList, {{F::Sort, L::None, {0}},
                                                {F::Reverse, L::None, {1}},
                                                {F::Reverse, L::None, {2}}})));
  EXPECT_EQ(sig(make_program(kList, {{F::Map, L::Times4, {0}}})),
            sig(make_program(kList, {{F::Map, L::Times2, {0}}, {F::Map, L::Times2, {1}}})));
  EXPECT_EQ(sig(make_program(kList, {{F::Map, L::Times2, {0}}})),
            sig(make_program(kList, {{F::ZipWith, L::Add, {0, 0}}})));
  EXPECT_EQ(sig(make_program(kList, {{F::Minimum, L::None, {0}}})),
            sig(make_program(kList, {{F::Sort, L::None, {0}}, {F::Head, L::None, {1}}})));
  EXPECT_EQ(
      sig(make_program(kList, {{F::Maximum, L::None, {0}}})),
      sig(make_program(
          kList, {{F::Reverse, L::None, {0}}, {F::Scan1l, L::Max, {1}}, {F::Tail, L::None, {2}}})));
}

TEST_F(BehaviourTest, DifferentProgramsDiffer) {
  EXPECT_NE(sig(make_program(kList, {{F::Map, L::Times2, {0}}})),
            sig(make_program(kList, {{F::Map, L::Times3, {0}}})));
  EXPECT_NE(sig(make_program(kList, {{F::Head, L::None, {0}}})),
            sig(make_program(kList, {{F::Tail, L::None, {0}}})));
  // Same function, different input types: never equivalent.
  EXPECT_NE(sig(make_program({Type::List, Type::Int}, {{F::Take, L::None, {1, 0}}})),
            sig(make_program({Type::List, Type::Int}, {{F::Drop, L::None, {1, 0}}})));
  // Differ only where one fails (out of range): failure counts as an output.
  EXPECT_NE(sig(make_program(kList, {{F::Map, L::Times4, {0}}, {F::Map, L::Div4, {1}}})),
            sig(make_program(kList, {{F::Map, L::Plus1, {0}}, {F::Map, L::Minus1, {1}}})));
}

TEST_F(BehaviourTest, SignatureDependsOnProbeSeedOnlyThroughProbes) {
  const Program p = make_program(kList, {{F::Filter, L::Even, {0}}, {F::Sum, L::None, {1}}});
  EXPECT_EQ(sig(p), behaviour_signature(p, ProbeSet()));  // probes are canonical
  EXPECT_NE(sig(p), behaviour_signature(p, ProbeSet(ProbeOptions{.count = 256, .seed = 99})));
}

TEST_F(BehaviourTest, FlagsDegeneratePrograms) {
  const auto redundant = [&](const Program& p) { return analyse_behaviour(p, probes_).redundant; };
  EXPECT_TRUE(redundant(make_program(kList, {{F::Sort, L::None, {0}}, {F::Sort, L::None, {1}}})));
  EXPECT_TRUE(redundant(make_program(kList, {{F::Map, L::Times2, {0}}, {F::Map, L::Div2, {1}}})));
  EXPECT_TRUE(
      redundant(make_program(kList, {{F::Map, L::Square, {0}}, {F::Count, L::Negative, {1}}})));
  EXPECT_FALSE(
      redundant(make_program(kList, {{F::Sort, L::None, {0}}, {F::Reverse, L::None, {1}}})));
  EXPECT_FALSE(
      redundant(make_program(kList, {{F::Filter, L::Odd, {0}}, {F::Map, L::Times3, {1}}})));
  const Behaviour c = analyse_behaviour(
      make_program(kList, {{F::Map, L::Square, {0}}, {F::Count, L::Negative, {1}}}), probes_);
  EXPECT_TRUE(c.constant_output);
  EXPECT_FALSE(analyse_behaviour(make_program(kList, {{F::Count, L::Negative, {0}}}), probes_)
                   .constant_output);
}

}  // namespace
}  // namespace npeps
