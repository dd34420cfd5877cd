#include "dsl/statement_space.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace npeps {
namespace {

TEST(StatementSpace, HasTheDocumentedSizes) {
  EXPECT_EQ(statement_space().size(), 1298u);
  std::set<OperatorId> ops;
  for (const Statement& s : statement_space()) ops.insert(s.op);
  EXPECT_EQ(ops.size(), 38u);
  EXPECT_EQ(operators().size(), 38u);
}

TEST(StatementSpace, StatementsAndOperatorsPerFunction) {
  std::map<std::string, int> statements, operators_per_fn;
  for (const Statement& s : statement_space())
    ++statements[std::string(function_name(op(s.op).function))];
  for (const Operator& o : operators()) ++operators_per_fn[std::string(function_name(o.function))];
  for (const char* f : {"HEAD", "TAIL", "MINIMUM", "MAXIMUM", "REVERSE", "SORT", "SUM"}) {
    EXPECT_EQ(statements[f], 11) << f;
    EXPECT_EQ(operators_per_fn[f], 1) << f;
  }
  for (const char* f : {"TAKE", "DROP", "ACCESS"}) {
    EXPECT_EQ(statements[f], 121) << f;
    EXPECT_EQ(operators_per_fn[f], 1) << f;
  }
  EXPECT_EQ(statements["MAP"], 110);
  EXPECT_EQ(statements["FILTER"], 44);
  EXPECT_EQ(statements["COUNT"], 44);
  EXPECT_EQ(statements["SCAN1L"], 55);
  EXPECT_EQ(statements["ZIPWITH"], 605);
  EXPECT_EQ(operators_per_fn["MAP"], 10);
  EXPECT_EQ(operators_per_fn["FILTER"], 4);
  EXPECT_EQ(operators_per_fn["COUNT"], 4);
  EXPECT_EQ(operators_per_fn["SCAN1L"], 5);
  EXPECT_EQ(operators_per_fn["ZIPWITH"], 5);
  EXPECT_EQ(statements.size(), 15u);
}

TEST(StatementSpace, OperatorsHaveTheRightLambdaKinds) {
  for (int id = 0; id < kNumOperators; ++id) {
    const Operator& o = op(static_cast<OperatorId>(id));
    EXPECT_EQ(lambda_kind(o.lambda), lambda_kind_of(o.function)) << operator_name(id);
    EXPECT_EQ(find_operator(o.function, o.lambda), std::optional<OperatorId>(id));
  }
  EXPECT_EQ(operator_name(0), "HEAD");
  EXPECT_EQ(operator_name(10), "MAP,+1");
  EXPECT_EQ(operator_name(37), "ZIPWITH,max");
  EXPECT_FALSE(find_operator(Function::Map, Lambda::Even));
  EXPECT_FALSE(find_operator(Function::Sort, Lambda::Plus1));
}

TEST(StatementSpace, IndexRoundTripsAndOrder) {
  std::set<std::tuple<int, int, int>> seen;
  for (int i = 0; i < kNumStatements; ++i) {
    const Statement& s = statement_at(i);
    ASSERT_EQ(statement_index(s), std::optional<StatementIndex>(i));
    EXPECT_EQ(operator_of(i), s.op);
    EXPECT_LT(s.args[0], kNumSlots);
    EXPECT_LT(s.args[1], kNumSlots);
    if (op(s.op).arity == 1) {
      EXPECT_EQ(s.args[1], 0);
    }
    const auto key = std::make_tuple(int(s.op), int(s.args[0]), int(s.args[1]));
    EXPECT_TRUE(seen.insert(key).second) << "duplicate statement at " << i;
    if (i > 0) {  // ordered by operator, then first slot, then second
      const Statement& prev = statement_at(i - 1);
      EXPECT_LT(std::make_tuple(int(prev.op), int(prev.args[0]), int(prev.args[1])), key);
    }
  }
}

TEST(StatementSpace, IndexOfInvalidStatements) {
  const OperatorId sort = *find_operator(Function::Sort, Lambda::None);
  const OperatorId take = *find_operator(Function::Take, Lambda::None);
  EXPECT_FALSE(statement_index(Statement{sort, {11, 0}}));
  EXPECT_FALSE(statement_index(Statement{take, {0, 11}}));
  EXPECT_FALSE(statement_index(Statement{take, {11, 0}}));
  EXPECT_FALSE(statement_index(Statement{kNumOperators, {0, 0}}));
  // The second argument of an arity-1 statement is ignored.
  EXPECT_EQ(statement_index(Statement{sort, {3, 9}}), statement_index(Statement{sort, {3, 0}}));
  EXPECT_EQ(statement_at(*statement_index(Statement{take, {4, 7}})), (Statement{take, {4, 7}}));
}

}  // namespace
}  // namespace npeps
