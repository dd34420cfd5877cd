#include "datasets/generator_flags.h"

#include <gtest/gtest.h>

#include "datasets/generator.h"

namespace npeps {
namespace {

TEST(GeneratorFlags, Lengths) {
  EXPECT_EQ(parse_lengths("1-4"), (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(parse_lengths("5,8,12"), (std::vector<int>{5, 8, 12}));
  EXPECT_EQ(parse_lengths("7"), (std::vector<int>{7}));
  EXPECT_THROW(parse_lengths("0"), std::invalid_argument);
  EXPECT_THROW(parse_lengths("3-x"), std::invalid_argument);
  EXPECT_THROW(parse_lengths(""), std::invalid_argument);
}

TEST(GeneratorFlags, ExampleRange) {
  EXPECT_EQ(parse_example_range("5"), std::make_pair(5, 5));
  EXPECT_EQ(parse_example_range("1-5"), std::make_pair(1, 5));
  EXPECT_THROW(parse_example_range("0"), std::invalid_argument);
  EXPECT_THROW(parse_example_range("4-2"), std::invalid_argument);
  EXPECT_THROW(parse_example_range("1-11"), std::invalid_argument);
  EXPECT_THROW(parse_example_range("three"), std::invalid_argument);
}

TEST(GeneratorFlags, ValueScales) {
  EXPECT_EQ(parse_value_scales("mixed"), mixed_value_scales());
  EXPECT_EQ(parse_value_scales("-50:50"), (std::vector<IntRange>{{-50, 50}}));
  EXPECT_EQ(parse_value_scales("0:10,-256:255"), (std::vector<IntRange>{{0, 10}, {-256, 255}}));
  EXPECT_THROW(parse_value_scales("-50"), std::invalid_argument);
  EXPECT_THROW(parse_value_scales("10:0"), std::invalid_argument);
  EXPECT_THROW(parse_value_scales("0:300"), std::invalid_argument);
}

TEST(GeneratorFlags, Shard) {
  EXPECT_EQ(parse_shard("0/1"), std::make_pair(0, 1));
  EXPECT_EQ(parse_shard("3/8"), std::make_pair(3, 8));
  EXPECT_THROW(parse_shard("8/8"), std::invalid_argument);
  EXPECT_THROW(parse_shard("1"), std::invalid_argument);
  EXPECT_THROW(parse_shard("-1/2"), std::invalid_argument);
}

}  // namespace
}  // namespace npeps
