// Helpers shared by the generator tests: programs built without the parser.
#pragma once

#include <initializer_list>
#include <vector>

#include "dsl/program.h"

namespace npeps::testing {

struct S {
  Function f;
  Lambda l;
  std::vector<int> args;
};

inline Program make_program(std::vector<Type> inputs, std::initializer_list<S> statements) {
  Program p;
  p.inputs = std::move(inputs);
  for (const S& s : statements) {
    Statement st;
    st.op = *find_operator(s.f, s.l);
    for (std::size_t i = 0; i < s.args.size(); ++i) st.args[i] = static_cast<VarIndex>(s.args[i]);
    p.statements.push_back(st);
  }
  check(p);
  return p;
}

}  // namespace npeps::testing
