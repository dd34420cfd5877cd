#include <gtest/gtest.h>

#include "search/slot_state.h"

namespace npeps {
namespace {

std::vector<Example> two_examples() {
  return {Example{{Value::list({1, 2}), Value::integer(7)}, Value::integer(0)},
          Example{{Value::list({3}), Value::integer(-1)}, Value::integer(1)}};
}

TEST(SlotArena, RootHoldsInputsInTheirSlots) {
  const auto ex = two_examples();
  SlotArena a;
  a.reset(2, 4);
  a.push_root(ex);
  ASSERT_EQ(a.size(), 1u);
  const SlotMeta& m = a.meta(0);
  EXPECT_EQ(m.num_occupied, 2);
  EXPECT_EQ(m.first_free(), 2);
  EXPECT_EQ(m.types[0], Type::List);
  EXPECT_EQ(m.types[1], Type::Int);
  EXPECT_EQ(a.value(0, 0, 1), Value::list({3}));
  EXPECT_EQ(a.value(0, 1, 0), Value::integer(7));
  EXPECT_TRUE(a.value(0, 2, 0).is_null());
  const Value outs[2] = {Value::integer(0), Value::integer(1)};
  const PartialProgram p = a.view(0, outs, 0);
  EXPECT_EQ(p.slots.size(), static_cast<std::size_t>(kNumSlots * 2));
  EXPECT_EQ(p.slots[1 * 2 + 0], Value::integer(7));  // slot-major
  EXPECT_TRUE(p.occupied[1]);
  EXPECT_FALSE(p.occupied[2]);
}

TEST(SlotArena, ChildCopiesParentAndOverwritesOneSlot) {
  const auto ex = two_examples();
  SlotArena parents, children;
  parents.reset(2, 1);
  parents.push_root(ex);
  children.reset(2, 2);
  const Value fresh[2] = {Value::integer(5), Value::integer(6)};
  SlotMeta& c = children.push_child(parents, 0, 2, fresh, Type::Int, 2);
  EXPECT_EQ(c.num_occupied, 3);
  EXPECT_EQ(c.newest, 2);
  EXPECT_EQ(c.var[2], 2);
  EXPECT_EQ(children.value(0, 2, 1), Value::integer(6));
  EXPECT_EQ(children.value(0, 0, 0), Value::list({1, 2}));
  // Overwriting an occupied slot keeps the count and changes the type.
  const Value lists[2] = {Value::list({9}), Value::list({})};
  const SlotMeta& d = children.push_child(parents, 0, 1, lists, Type::List, 4);
  EXPECT_EQ(d.num_occupied, 2);
  EXPECT_EQ(d.types[1], Type::List);
  EXPECT_EQ(d.var[1], 4);
  EXPECT_EQ(children.value(1, 1, 0), Value::list({9}));
  EXPECT_EQ(parents.value(0, 1, 0), Value::integer(7));  // parent untouched
}

}  // namespace
}  // namespace npeps
