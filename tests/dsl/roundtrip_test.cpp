// parse(print(p)) == p for random well-typed programs in both forms, and
// print(parse(text)) == text for canonical text.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "dsl/parser.h"
#include "dsl/printer.h"

namespace npeps {
namespace {

// A random well-typed program: 1..3 inputs, then statements whose
// arguments are earlier variables of the right types.
Program random_program(std::mt19937& rng, int max_statements) {
  auto uniform = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  Program p;
  const int inputs = uniform(1, kMaxInputs);
  for (int i = 0; i < inputs; ++i) p.inputs.push_back(uniform(0, 1) ? Type::List : Type::Int);
  // Every operator needs a LIST argument: all-INT inputs allow no statement,
  // so keep them rare.
  if (uniform(0, 4) > 0 && std::count(p.inputs.begin(), p.inputs.end(), Type::List) == 0)
    p.inputs[uniform(0, inputs - 1)] = Type::List;
  const bool any_list = std::count(p.inputs.begin(), p.inputs.end(), Type::List) > 0;
  const int n = any_list ? uniform(0, max_statements) : 0;
  while (static_cast<int>(p.statements.size()) < n) {
    const OperatorId id = static_cast<OperatorId>(uniform(0, kNumOperators - 1));
    const Operator& o = op(id);
    Statement s;
    s.op = id;
    bool ok = true;
    for (int k = 0; k < o.arity && ok; ++k) {
      std::vector<int> candidates;
      for (int v = 0; v < p.num_vars(); ++v)
        if (p.var_type(v) == o.args[k]) candidates.push_back(v);
      ok = !candidates.empty();
      if (ok) s.args[k] = static_cast<VarIndex>(candidates[uniform(0, int(candidates.size()) - 1)]);
    }
    if (ok) p.statements.push_back(s);
  }
  return p;
}

// The readable text with random (allowed) changes of layout.
std::string noisy_readable(const std::string& text, std::mt19937& rng) {
  auto coin = [&rng](int percent) {
    return std::uniform_int_distribution<int>(0, 99)(rng) < percent;
  };
  std::string out;
  if (coin(20)) out += "\n \n";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ') {
      out += coin(50) ? "  " : (coin(20) ? "\t" : " ");
    } else if (c == '\n') {
      if (coin(30)) out += "  ";
      out += coin(20) ? "\r\n\n" : "\n";
      if (coin(30)) out += "\t";
    } else if (c == '(' && coin(50)) {
      out += "( ";
    } else {
      out += c;
    }
  }
  if (coin(30)) out += "\n";
  return out;
}

TEST(RoundTrip, RandomProgramsBothForms) {
  std::mt19937 rng(2024);
  int with_statements = 0, long_programs = 0;
  for (int i = 0; i < 3000; ++i) {
    const Program p = random_program(rng, i % 10 == 0 ? 40 : 10);
    ASSERT_NO_THROW(check(p));
    with_statements += !p.statements.empty();
    long_programs += p.num_vars() > 26;
    const std::string compact = to_compact(p);
    const std::string readable = to_readable(p);
    ASSERT_EQ(parse_compact(compact), p) << compact;
    ASSERT_EQ(parse_readable(readable), p) << readable;
    ASSERT_EQ(parse_program(compact), p);
    ASSERT_EQ(parse_program(readable), p);
    // print . parse is the identity on canonical text.
    EXPECT_EQ(to_compact(parse_compact(compact)), compact);
    EXPECT_EQ(to_readable(parse_readable(readable)), readable);
    const std::string noisy = noisy_readable(readable, rng);
    ASSERT_EQ(parse_readable(noisy), p) << noisy;
  }
  EXPECT_GT(with_statements, 2000);  // at least 2,000 non-trivial round trips
  EXPECT_GT(long_programs, 50);      // names past z (v26, ...) are exercised
}

TEST(RoundTrip, CanonicalTextOfEveryOperator) {
  for (int id = 0; id < kNumOperators; ++id) {
    const Operator& o = op(static_cast<OperatorId>(id));
    Program p;
    p.inputs = {Type::Int, Type::List, Type::List};
    Statement s;
    s.op = static_cast<OperatorId>(id);
    s.args = {static_cast<VarIndex>(o.args[0] == Type::Int ? 0 : 2),
              static_cast<VarIndex>(o.arity == 2 ? (o.args[1] == Type::Int ? 0 : 1) : 0)};
    p.statements.push_back(s);
    const std::string compact = to_compact(p);
    EXPECT_EQ(compact.rfind("INT|LIST|LIST|" + operator_name(s.op) + ",", 0), 0u) << compact;
    EXPECT_EQ(parse_compact(compact), p);
    EXPECT_EQ(parse_readable(to_readable(p)), p) << to_readable(p);
  }
}

}  // namespace
}  // namespace npeps
