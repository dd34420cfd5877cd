#include "dsl/printer.h"

namespace npeps {
namespace {

// Lambdas written with letters print bare; symbolic ones in parentheses.
bool is_word(std::string_view name) {
  return !name.empty() &&
         ((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z'));
}

}  // namespace

std::string variable_name(int v) {
  if (v >= 0 && v < 26) return std::string(1, static_cast<char>('a' + v));
  std::string name = "v";  // not "v" + to_string(v): GCC 12 warns falsely (-Wrestrict)
  name += std::to_string(v);
  return name;
}

std::string to_compact(const Program& p) {
  std::string s;
  for (Type t : p.inputs) {
    if (!s.empty()) s += '|';
    s += type_name(t);
  }
  for (const Statement& st : p.statements) {
    const Operator& o = op(st.op);
    s += '|';
    s += operator_name(st.op);
    for (int k = 0; k < o.arity; ++k) {
      s += ',';
      s += std::to_string(st.args[k]);
    }
  }
  return s;
}

std::string to_readable(const Program& p) {
  std::string s;
  int v = 0;
  for (Type t : p.inputs) {
    if (v) s += '\n';
    s += variable_name(v++);
    s += t == Type::List ? " <- [int]" : " <- int";
  }
  for (const Statement& st : p.statements) {
    const Operator& o = op(st.op);
    if (v) s += '\n';
    s += variable_name(v++);
    s += " <- ";
    s += function_name(o.function);
    if (o.lambda != Lambda::None) {
      const std::string_view l = lambda_name(o.lambda);
      s += ' ';
      if (is_word(l)) {
        s += l;
      } else {
        s += '(';
        s += l;
        s += ')';
      }
    }
    for (int k = 0; k < o.arity; ++k) {
      s += ' ';
      s += variable_name(st.args[k]);
    }
  }
  return s;
}

}  // namespace npeps
