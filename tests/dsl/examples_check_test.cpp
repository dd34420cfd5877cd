// The examples check every search makes (dsl/examples_check.h).
#include "dsl/examples_check.h"

#include <gtest/gtest.h>

namespace npeps {
namespace {

Example ex(std::vector<Value> in, Value out) { return Example{std::move(in), std::move(out)}; }

TEST(ExamplesCheck, AcceptsConsistentExamples) {
  const std::vector<Example> ok = {ex({Value::list({1, 2}), Value::integer(3)}, Value::integer(1)),
                                   ex({Value::list({}), Value::integer(0)}, Value::list({5}))};
  EXPECT_EQ(examples_problem(ok), "");
}

TEST(ExamplesCheck, NamesWhatIsWrong) {
  const Value l = Value::list({1}), i = Value::integer(2);
  EXPECT_EQ(examples_problem({}), "no examples");
  EXPECT_EQ(examples_problem(std::vector<Example>(11, ex({l}, l))), "11 examples (at most 10)");
  EXPECT_EQ(examples_problem({ex({}, l)}), "example 1 has 0 inputs (must be 1..3)");
  EXPECT_EQ(examples_problem({ex({l, l, l, l}, l)}), "example 1 has 4 inputs (must be 1..3)");
  EXPECT_EQ(examples_problem({ex({l, i}, l), ex({l}, l)}),
            "example 2 has 1 inputs, example 1 has 2");
  EXPECT_EQ(examples_problem({ex({l, i}, l), ex({l, l}, l)}),
            "example 2, input 2 is LIST, example 1 has INT");
  EXPECT_EQ(examples_problem({ex({l}, l), ex({Value{}}, l)}), "example 2, input 1 is NULL");
}

TEST(ExamplesCheck, FindsExamplesNoProgramFitsTogether) {
  const Value l = Value::list({1, 2});
  EXPECT_FALSE(contradicting_examples({ex({l}, Value::integer(3)), ex({l}, Value::integer(3))}));
  EXPECT_FALSE(contradicting_examples(
      {ex({l}, Value::integer(3)), ex({Value::list({2, 1})}, Value::integer(4))}));
  const auto c = contradicting_examples(
      {ex({Value::list({0})}, Value::null()), ex({l}, Value::integer(3)), ex({l}, Value::null())});
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, (std::pair<std::size_t, std::size_t>{1, 2}));
}

}  // namespace
}  // namespace npeps
