// Every function's and lambda's corner cases, against DSL.md by hand.
// Self-contained: reads nothing outside the repository.
#include "dsl/ops.h"

#include <gtest/gtest.h>

#include <random>

#include "dsl/parser.h"
#include "dsl/program.h"

namespace npeps {
namespace {

Value L(std::initializer_list<int> xs) { return Value::list(xs); }
Value I(int x) { return Value::integer(x); }
const Value N = Value::null();

struct Applied {
  EvalStatus status;
  Value out;
};

// Applies FUNC (with lambda `lambda`, "" for none) to a (and b).
Applied ap(std::string_view fn, std::string_view lambda, const Value& a,
           const Value& b = Value::null()) {
  const auto f = function_from_name(fn);
  EXPECT_TRUE(f) << fn;
  const Lambda l = lambda.empty() ? Lambda::None : *lambda_from_name(lambda);
  const auto id = find_operator(*f, l);
  EXPECT_TRUE(id) << fn << "," << lambda;
  Applied r{EvalStatus::Ok, Value::null()};
  r.status = apply(*id, a, b, r.out);
  return r;
}

// Expects status Ok and the given result.
#define EXPECT_APPLY(expected, ...)                                \
  do {                                                             \
    const Applied r_ = ap(__VA_ARGS__);                            \
    EXPECT_EQ(r_.status, EvalStatus::Ok) << #__VA_ARGS__;          \
    EXPECT_EQ(to_json(r_.out), to_json(expected)) << #__VA_ARGS__; \
  } while (0)
#define EXPECT_FAILS(status_, ...) EXPECT_EQ(ap(__VA_ARGS__).status, status_) << #__VA_ARGS__

TEST(Ops, FirstElementFunctionsAndNullOnEmpty) {
  EXPECT_APPLY(N, "HEAD", "", L({}));
  EXPECT_APPLY(I(3), "HEAD", "", L({3, -5, 7}));
  EXPECT_APPLY(N, "TAIL", "", L({}));
  EXPECT_APPLY(I(7), "TAIL", "", L({3, -5, 7}));  // TAIL is the LAST element
  EXPECT_APPLY(I(-256), "TAIL", "", L({-256}));
  EXPECT_APPLY(N, "MINIMUM", "", L({}));
  EXPECT_APPLY(I(-5), "MINIMUM", "", L({3, -5, 7}));
  EXPECT_APPLY(N, "MAXIMUM", "", L({}));
  EXPECT_APPLY(I(7), "MAXIMUM", "", L({3, -5, 7}));
  EXPECT_APPLY(I(255), "MAXIMUM", "", L({255, -256}));
}

TEST(Ops, ReverseSortSum) {
  EXPECT_APPLY(L({}), "REVERSE", "", L({}));
  EXPECT_APPLY(L({3, 2, 1}), "REVERSE", "", L({1, 2, 3}));
  EXPECT_APPLY(L({}), "SORT", "", L({}));
  EXPECT_APPLY(L({-5, 0, 3, 3, 7}), "SORT", "", L({3, -5, 7, 0, 3}));
  EXPECT_APPLY(I(0), "SUM", "", L({}));
  EXPECT_APPLY(I(5), "SUM", "", L({3, -5, 7}));
  EXPECT_APPLY(I(255), "SUM", "", L({200, 55}));
  EXPECT_APPLY(I(-256), "SUM", "", L({-200, -56}));
  EXPECT_FAILS(EvalStatus::OutOfRange, "SUM", "", L({200, 100}));
  EXPECT_FAILS(EvalStatus::OutOfRange, "SUM", "", L({-200, -100}));
  // Only the final sum is range-checked.
  EXPECT_APPLY(I(200), "SUM", "", L({200, 100, -100}));
}

TEST(Ops, TakeDropFollowPythonSlices) {
  const Value xs = L({1, 2, 3});
  EXPECT_APPLY(L({}), "TAKE", "", I(0), xs);
  EXPECT_APPLY(L({1, 2}), "TAKE", "", I(2), xs);
  EXPECT_APPLY(L({1, 2, 3}), "TAKE", "", I(3), xs);
  EXPECT_APPLY(L({1, 2, 3}), "TAKE", "", I(255), xs);
  EXPECT_APPLY(L({1, 2}), "TAKE", "", I(-1), xs);
  EXPECT_APPLY(L({}), "TAKE", "", I(-3), xs);
  EXPECT_APPLY(L({}), "TAKE", "", I(-256), xs);
  EXPECT_APPLY(L({}), "TAKE", "", I(2), L({}));
  EXPECT_APPLY(L({1, 2, 3}), "DROP", "", I(0), xs);
  EXPECT_APPLY(L({2, 3}), "DROP", "", I(1), xs);
  EXPECT_APPLY(L({}), "DROP", "", I(3), xs);
  EXPECT_APPLY(L({}), "DROP", "", I(200), xs);
  EXPECT_APPLY(L({3}), "DROP", "", I(-1), xs);
  EXPECT_APPLY(L({1, 2, 3}), "DROP", "", I(-3), xs);
  EXPECT_APPLY(L({1, 2, 3}), "DROP", "", I(-100), xs);
  EXPECT_APPLY(L({}), "DROP", "", I(-1), L({}));
}

TEST(Ops, AccessHasNoNegativeIndexing) {
  const Value xs = L({4, 5, 6});
  EXPECT_APPLY(I(4), "ACCESS", "", I(0), xs);
  EXPECT_APPLY(I(6), "ACCESS", "", I(2), xs);
  EXPECT_APPLY(N, "ACCESS", "", I(3), xs);
  EXPECT_APPLY(N, "ACCESS", "", I(-1), xs);
  EXPECT_APPLY(N, "ACCESS", "", I(-3), xs);
  EXPECT_APPLY(N, "ACCESS", "", I(0), L({}));
}

TEST(Ops, MapWithEveryUnaryLambda) {
  const Value xs = L({-3, 0, 5});
  EXPECT_APPLY(L({-2, 1, 6}), "MAP", "+1", xs);
  EXPECT_APPLY(L({-4, -1, 4}), "MAP", "-1", xs);
  EXPECT_APPLY(L({-6, 0, 10}), "MAP", "*2", xs);
  EXPECT_APPLY(L({-1, 0, 2}), "MAP", "/2", xs);  // -3/2 truncates to -1
  EXPECT_APPLY(L({3, 0, -5}), "MAP", "*-1", xs);
  EXPECT_APPLY(L({9, 0, 25}), "MAP", "**2", xs);
  EXPECT_APPLY(L({-9, 0, 15}), "MAP", "*3", xs);
  EXPECT_APPLY(L({-1, 0, 1}), "MAP", "/3", xs);
  EXPECT_APPLY(L({-12, 0, 20}), "MAP", "*4", xs);
  EXPECT_APPLY(L({0, 0, 1}), "MAP", "/4", xs);
  EXPECT_APPLY(L({-2, -1, 0, 2}), "MAP", "/3", L({-7, -5, -2, 7}));
  EXPECT_APPLY(L({-1, -1, 0, 63}), "MAP", "/4", L({-7, -4, -3, 255}));
  EXPECT_APPLY(L({0, -128}), "MAP", "/2", L({-1, -256}));
  EXPECT_APPLY(L({}), "MAP", "**2", L({}));
}

TEST(Ops, MapRangeChecksEveryElement) {
  EXPECT_FAILS(EvalStatus::OutOfRange, "MAP", "**2", L({1, 20}));
  EXPECT_APPLY(L({225}), "MAP", "**2", L({-15}));
  EXPECT_FAILS(EvalStatus::OutOfRange, "MAP", "**2", L({16}));
  EXPECT_FAILS(EvalStatus::OutOfRange, "MAP", "+1", L({255}));
  EXPECT_FAILS(EvalStatus::OutOfRange, "MAP", "-1", L({-256}));
  EXPECT_FAILS(EvalStatus::OutOfRange, "MAP", "*-1", L({-256}));
  EXPECT_APPLY(L({-255}), "MAP", "*-1", L({255}));
  EXPECT_APPLY(L({254, -256}), "MAP", "*2", L({127, -128}));
  EXPECT_FAILS(EvalStatus::OutOfRange, "MAP", "*2", L({128}));
  EXPECT_FAILS(EvalStatus::OutOfRange, "MAP", "*3", L({86}));
  EXPECT_FAILS(EvalStatus::OutOfRange, "MAP", "*4", L({-65}));
}

TEST(Ops, FilterAndCountWithEveryPredicate) {
  const Value xs = L({-3, 0, 5, -4, 2});
  EXPECT_APPLY(L({5, 2}), "FILTER", ">0", xs);
  EXPECT_APPLY(L({-3, -4}), "FILTER", "<0", xs);
  EXPECT_APPLY(L({0, -4, 2}), "FILTER", "EVEN", xs);
  EXPECT_APPLY(L({-3, 5}), "FILTER", "ODD", xs);  // negative odd numbers are ODD
  EXPECT_APPLY(L({-1, -255}), "FILTER", "ODD", L({-1, -256, -255}));
  EXPECT_APPLY(L({}), "FILTER", "EVEN", L({}));
  EXPECT_APPLY(I(2), "COUNT", ">0", xs);
  EXPECT_APPLY(I(2), "COUNT", "<0", xs);
  EXPECT_APPLY(I(3), "COUNT", "EVEN", xs);
  EXPECT_APPLY(I(2), "COUNT", "ODD", xs);
  EXPECT_APPLY(I(0), "COUNT", "ODD", L({}));
}

TEST(Ops, Scan1lWithEveryBinaryLambda) {
  EXPECT_APPLY(L({1, 3, 6}), "SCAN1L", "+", L({1, 2, 3}));
  EXPECT_APPLY(L({10, 7, 5}), "SCAN1L", "-", L({10, 3, 2}));  // previous minus next
  EXPECT_APPLY(L({2, 6, 24}), "SCAN1L", "*", L({2, 3, 4}));
  EXPECT_APPLY(L({3, 1, 1}), "SCAN1L", "min", L({3, 1, 2}));
  EXPECT_APPLY(L({1, 3, 3}), "SCAN1L", "max", L({1, 3, 2}));
  EXPECT_APPLY(L({}), "SCAN1L", "+", L({}));
  EXPECT_APPLY(L({-7}), "SCAN1L", "*", L({-7}));
  // Overflow in the middle fails even if a later value would be in range.
  EXPECT_FAILS(EvalStatus::OutOfRange, "SCAN1L", "*", L({10, 10, 10}));
  EXPECT_FAILS(EvalStatus::OutOfRange, "SCAN1L", "*", L({10, 30, 0}));
  EXPECT_FAILS(EvalStatus::OutOfRange, "SCAN1L", "+", L({255, 1, -1}));
}

TEST(Ops, ZipWithTruncatesAndSubtractsSecondFromFirst) {
  EXPECT_APPLY(L({11, 22}), "ZIPWITH", "+", L({1, 2, 3}), L({10, 20}));
  EXPECT_APPLY(L({-9, -18}), "ZIPWITH", "-", L({1, 2}), L({10, 20, 30}));
  EXPECT_APPLY(L({10, 40}), "ZIPWITH", "*", L({1, 2}), L({10, 20}));
  EXPECT_APPLY(L({1, 2}), "ZIPWITH", "min", L({1, 5}), L({3, 2}));
  EXPECT_APPLY(L({3, 5}), "ZIPWITH", "max", L({1, 5}), L({3, 2}));
  EXPECT_APPLY(L({}), "ZIPWITH", "*", L({}), L({1}));
  EXPECT_FAILS(EvalStatus::OutOfRange, "ZIPWITH", "*", L({20}), L({20}));
  EXPECT_FAILS(EvalStatus::OutOfRange, "ZIPWITH", "-", L({-256}), L({1}));
  EXPECT_FAILS(EvalStatus::OutOfRange, "ZIPWITH", "+", L({0, 200}), L({0, 100}));
}

// Properties over every operator: NULL arguments fail; lists never grow
// past the longest argument; results have the operator's type.
TEST(Ops, PropertiesOfEveryOperator) {
  std::mt19937 rng(7);
  auto random_list = [&](int max_len) {
    std::vector<int> xs(std::uniform_int_distribution<int>(0, max_len)(rng));
    for (int& x : xs) x = std::uniform_int_distribution<int>(-20, 20)(rng);
    return Value::list(xs);
  };
  for (int id = 0; id < kNumOperators; ++id) {
    const Operator& o = op(static_cast<OperatorId>(id));
    auto random_arg = [&](Type t) {
      return t == Type::Int ? I(std::uniform_int_distribution<int>(-25, 25)(rng)) : random_list(20);
    };
    Value out;
    const Value good = random_arg(o.args[0]);
    EXPECT_EQ(apply(id, N, o.arity == 2 ? random_arg(o.args[1]) : N, out), EvalStatus::NullInput)
        << operator_name(id);
    if (o.arity == 2) {
      EXPECT_EQ(apply(id, good, N, out), EvalStatus::NullInput) << operator_name(id);
    }
    for (int trial = 0; trial < 300; ++trial) {
      const Value a = random_arg(o.args[0]);
      const Value b = o.arity == 2 ? random_arg(o.args[1]) : N;
      const EvalStatus s = apply(id, a, b, out);
      if (s != EvalStatus::Ok || out.is_null()) continue;
      EXPECT_EQ(out.type(), o.result) << operator_name(id);
      if (out.is_list()) {
        EXPECT_LE(out.size, std::max<int>(a.size, b.is_list() ? b.size : 0)) << operator_name(id);
        for (int i = 0; i < out.size; ++i) EXPECT_TRUE(in_range(out.data[i]));
      } else {
        EXPECT_TRUE(in_range(out.as_int()));
      }
    }
  }
}

TEST(Run, EmptyProgramOutputsNull) {
  Program p;
  p.inputs = {Type::List};
  const RunResult r = run(p, {L({1, 2})});
  EXPECT_EQ(r.status, EvalStatus::Ok);
  EXPECT_EQ(r.failed_at, -1);
  EXPECT_TRUE(r.output.is_null());
}

TEST(Run, NullResultIsNotAFailureButUsingItIs) {
  const Program head = parse_compact("LIST|HEAD,0");
  RunResult r = run(head, {L({})});
  EXPECT_EQ(r.status, EvalStatus::Ok);
  EXPECT_TRUE(r.output.is_null());

  const Program use = parse_compact("LIST|HEAD,0|TAKE,1,0|SORT,2");
  r = run(use, {L({})});
  EXPECT_EQ(r.status, EvalStatus::NullInput);
  EXPECT_EQ(r.failed_at, 1);
  r = run(use, {L({2, 9, 1})});
  EXPECT_EQ(r.status, EvalStatus::Ok);
  EXPECT_EQ(r.output, L({2, 9}));  // HEAD = 2; TAKE 2 [2,9,1] = [2,9]; sorted
}

TEST(Run, OutOfRangeStopsAtTheFailingStatement) {
  const Program p = parse_compact("LIST|SORT,0|MAP,**2,1|SUM,2");
  RunResult r = run(p, {L({20, 1})});
  EXPECT_EQ(r.status, EvalStatus::OutOfRange);
  EXPECT_EQ(r.failed_at, 1);
  r = run(p, {L({10, 1})});  // 101 fits
  EXPECT_EQ(r.status, EvalStatus::Ok);
  EXPECT_EQ(r.output, I(101));
  r = run(p, {L({15, 1})});  // 1 + 225 = 226 fits
  EXPECT_EQ(r.output, I(226));
  r = run(p, {L({15, 6})});  // 225 + 36 = 261 does not
  EXPECT_EQ(r.status, EvalStatus::OutOfRange);
  EXPECT_EQ(r.failed_at, 2);
}

// run_into (no allocation) computes what run does, in the caller's array.
TEST(Run, RunIntoMatchesRun) {
  const Program p = parse_compact("LIST|SORT,0|MAP,**2,1|SUM,2");
  for (const Value& in : {L({3, 1, 2}), L({20, 1}), L({})}) {
    const RunResult r = run(p, {in});
    Value vars[8];
    vars[0] = in;
    int failed_at = -1;
    EXPECT_EQ(run_into(p, vars, &failed_at), r.status);
    EXPECT_EQ(failed_at, r.failed_at);
    if (r.status == EvalStatus::Ok) {
      EXPECT_EQ(vars[p.num_vars() - 1], r.output);
    }
  }
}

TEST(Run, DslExampleProgram) {
  // FILTER EVEN, halve, sort, last element.
  const Program p = parse_compact("LIST|FILTER,EVEN,0|MAP,/2,1|SORT,2|TAIL,3");
  EXPECT_EQ(run(p, {L({-6, 3, 10, 4, 7})}).output, I(5));
  EXPECT_TRUE(run(p, {L({1, 3})}).output.is_null());
  EXPECT_TRUE(satisfies(p, {{{L({-6, 3, 10})}, I(5)}, {{L({8})}, I(4)}}));
  EXPECT_FALSE(satisfies(p, {{{L({-6, 3, 10})}, I(5)}, {{L({8})}, I(3)}}));
  EXPECT_FALSE(satisfies(p, {{{I(8)}, I(4)}}));  // wrong input type
}

}  // namespace
}  // namespace npeps
