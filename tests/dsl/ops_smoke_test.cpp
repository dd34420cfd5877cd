#include <gtest/gtest.h>

#include "dsl/ops.h"
#include "dsl/statement_space.h"

namespace npeps {
TEST(StatementSpace, HasAllStatementsAndRoundTrips) {
  const auto& sp = statement_space();
  for (int i = 0; i < kNumStatements; ++i) EXPECT_EQ(statement_index(sp[i]), i);
}
}  // namespace npeps
