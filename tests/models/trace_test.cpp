#include "models/trace.h"

#include <gtest/gtest.h>

#include "dsl/parser.h"
#include "model_test_util.h"

namespace npeps {
namespace {

std::array<bool, kNumSlots> mask(std::initializer_list<int> droppable) {
  std::array<bool, kNumSlots> m{};
  for (int s : droppable) m[s] = true;
  return m;
}

// Replays the targets in slot form, independently of build_trace: each
// step's statement applied to the step's slots and written to write_slot
// must give the next step's slots, and the last one the example outputs.
void expect_replay_reproduces(const Task& task) {
  const TaskTrace tr = build_trace(*task.program, task.examples);
  ASSERT_EQ(tr.steps.size(), task.program->statements.size());
  const int ne = tr.num_examples;
  std::vector<Value> slots = tr.steps.at(0).slots;
  std::array<bool, kNumSlots> occupied = tr.steps[0].occupied;
  for (std::size_t t = 0; t < tr.steps.size(); ++t) {
    const TraceStep& st = tr.steps[t];
    EXPECT_EQ(st.slots, slots) << "step " << t;
    EXPECT_EQ(st.occupied, occupied) << "step " << t;
    const Statement s = statement_at(st.statement);
    EXPECT_EQ(s.op, st.op);
    EXPECT_EQ(s.op, task.program->statements[t].op);
    ASSERT_TRUE(st.droppable[st.write_slot]);
    for (int a = 0; a < op(s.op).arity; ++a) {
      ASSERT_TRUE(occupied[s.args[a]]);
      EXPECT_FALSE(st.droppable[s.args[a]]) << "an argument is never droppable";
    }
    std::vector<Value> out(ne);
    for (int e = 0; e < ne; ++e) {
      const Value& a = slots[s.args[0] * ne + e];
      const Value& b = op(s.op).arity == 2 ? slots[s.args[1] * ne + e] : a;
      ASSERT_EQ(apply(s.op, a, b, out[e]), EvalStatus::Ok);
    }
    for (int e = 0; e < ne; ++e) slots[st.write_slot * ne + e] = out[e];
    occupied[st.write_slot] = true;
    if (t + 1 == tr.steps.size()) {
      for (int e = 0; e < ne; ++e) EXPECT_EQ(out[e], task.examples[e].output);
    }
  }
}

TEST(Trace, ReplayReproducesOutputsOfSamplePrograms) {
  std::uint64_t seed = 1;
  for (const std::string& p : test::sample_programs()) {
    SCOPED_TRACE(p);
    expect_replay_reproduces(test::make_task(p, 5, seed++));
  }
}

TEST(Trace, DropTargetsOnHandMadeProgram) {
  // vars: 0 LIST, 1 INT, 2 = TAKE 1 0, 3 = SORT 0, 4 = ZIPWITH + 2 3, 5 = SUM 4.
  const Task task = test::make_task("LIST|INT|TAKE,1,0|SORT,0|ZIPWITH,+,2,3|SUM,4", 3, 7);
  const TaskTrace tr = build_trace(*task.program, task.examples);
  ASSERT_EQ(tr.steps.size(), 4u);
  EXPECT_EQ(tr.steps[0].droppable, mask({2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(tr.steps[1].droppable, mask({1, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(tr.steps[2].droppable, mask({0, 1, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(tr.steps[3].droppable, mask({0, 1, 2, 3, 5, 6, 7, 8, 9, 10}));
  for (int t = 0; t < 4; ++t) {
    EXPECT_EQ(tr.steps[t].write_slot, 2 + t) << "first free slot";
    EXPECT_EQ(tr.steps[t].depth, t);
  }
  const OperatorId take = *find_operator(Function::Take, Lambda::None);
  const OperatorId zip = *find_operator(Function::ZipWith, Lambda::Add);
  EXPECT_EQ(tr.steps[0].statement, *statement_index(Statement{take, {1, 0}}));
  EXPECT_EQ(tr.steps[0].op, take);
  EXPECT_EQ(tr.steps[2].statement, *statement_index(Statement{zip, {2, 3}}));
  EXPECT_TRUE(tr.steps[0].occupied[0] && tr.steps[0].occupied[1] && !tr.steps[0].occupied[2]);
  EXPECT_EQ(tr.steps[0].slot_types[1], Type::Int);
  EXPECT_EQ(tr.steps[3].slot_types[4], Type::List);
  // The state view points into the trace.
  const PartialProgram pp = tr.state(1);
  EXPECT_EQ(pp.num_examples, 3);
  EXPECT_EQ(pp.slots.size(), static_cast<std::size_t>(kNumSlots * 3));
  EXPECT_EQ(pp.outputs[2], task.examples[2].output);
  EXPECT_EQ(pp.depth, 1);
}

TEST(Trace, LongProgramOverwritesLowestDroppableSlot) {
  // 1 input + 12 chained statements: slots fill up after 10 statements.
  std::string p = "LIST";
  for (int v = 0; v < 12; ++v) p += "|MAP,+1," + std::to_string(v);
  const Task task = test::make_task(p, 2, 3);
  expect_replay_reproduces(task);
  const TaskTrace tr = build_trace(*task.program, task.examples);
  for (int t = 0; t < 10; ++t) EXPECT_EQ(tr.steps[t].write_slot, t + 1);
  // Step 10 (var 11 = MAP +1 var 10): every slot full, vars 0..9 dead.
  EXPECT_EQ(tr.steps[10].droppable, mask({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(tr.steps[10].write_slot, 0);
  // Step 11 reads var 11, now in slot 0; var 10 (slot 10) is dead too.
  const OperatorId map = *find_operator(Function::Map, Lambda::Plus1);
  EXPECT_EQ(tr.steps[11].statement, *statement_index(Statement{map, {0, 0}}));
  EXPECT_EQ(tr.steps[11].droppable, mask({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(tr.steps[11].write_slot, 1);
}

TEST(Trace, RejectsUntraceableTasks) {
  Task task = test::make_task("LIST|SORT,0|REVERSE,1", 2, 1);
  Task wrong = task;
  wrong.examples[1].output = Value::integer(3);
  EXPECT_THROW(build_trace(*wrong.program, wrong.examples), TraceError);
  EXPECT_THROW(build_trace(*task.program, {}), TraceError);
  Task bad_inputs = task;
  bad_inputs.examples[0].inputs = {Value::integer(1)};
  EXPECT_THROW(build_trace(*bad_inputs.program, bad_inputs.examples), TraceError);
  // HEAD of [] is NULL; using it fails.
  const Program failing = parse_compact("LIST|HEAD,0|TAKE,1,0");
  Example ex{{Value::list(std::vector<int>{})}, Value{}};
  EXPECT_THROW(build_trace(failing, {ex}), TraceError);
  // 12 statements all reading every earlier list: more than 11 live variables.
  std::string p = "LIST";
  for (int v = 0; v < 11; ++v) p += "|MAP,+1," + std::to_string(v);
  for (int v = 0; v < 11; ++v)
    p += "|ZIPWITH,+," + std::to_string(v) + "," + std::to_string(v + 11);
  const Task wide = test::make_task(p, 1, 2);
  try {
    build_trace(*wide.program, wide.examples);
    FAIL() << "expected TraceError";
  } catch (const TraceError& e) {
    EXPECT_NE(std::string(e.what()).find("slots"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace npeps
