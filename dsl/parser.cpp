// The only translation unit that instantiates the X3 grammars of
// parser_def.h. Parsing is two passes: X3 builds an AST of positioned
// tokens (syntax errors become ParseError via expectation failures), then
// check_* below resolves names, arities and types with exact positions.
#include "dsl/parser.h"

#include <cstdio>
#include <functional>
#include <optional>
#include <utility>

#include "dsl/parser_def.h"
#include "dsl/printer.h"

namespace npeps {

ParseError::ParseError(int line, int column, std::string expected, const std::string& message)
    : std::runtime_error("line " + std::to_string(line) + ", column " + std::to_string(column) +
                         ": " + message),
      line(line),
      column(column),
      expected(std::move(expected)) {}

namespace {

// Variables a program may have: VarIndex is 8 bits.
constexpr int kMaxVars = 256;

// Quotes program text for a message; non-printable bytes become \xNN.
std::string quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", u);
      out += buf;
    }
  }
  return out + "'";
}

// The text being parsed: turns offsets into line/column and throws.
class Source {
 public:
  Source(std::string_view text, bool newline_is_space)
      : text_(text), newline_is_space_(newline_is_space) {}

  bool is_skip(char c) const {
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' ||
           (newline_is_space_ && c == '\n');
  }
  std::size_t skip(std::size_t offset) const {
    while (offset < text_.size() && is_skip(text_[offset])) ++offset;
    return offset;
  }

  // Describes what starts at `offset`: a quoted token, end of line or end of input.
  std::string found_at(std::size_t offset) const {
    if (offset >= text_.size()) return "end of input";
    if (text_[offset] == '\n') return "end of line";
    auto delimiter = [](char c) {
      return c == ',' || c == '|' || c == '(' || c == ')' || c == '[' || c == ']';
    };
    std::size_t end = offset + 1;
    if (!delimiter(text_[offset]))
      while (end < text_.size() && end - offset < 24 && !delimiter(text_[end]) &&
             !is_skip(text_[end]) && text_[end] != '\n')
        ++end;
    return quote(text_.substr(offset, end - offset));
  }

  // Offset of an argument: its opening bracket if it has one.
  std::size_t offset_of(const ast::ReadableArg& a) const {
    std::size_t o = std::min(a.token.offset, text_.size());
    if (a.bracket == ' ') return o;
    while (o > 0 && text_[o - 1] != a.bracket) --o;
    return o > 0 ? o - 1 : 0;
  }

  // Offset just past an argument, closing bracket included.
  std::size_t end_of(const ast::ReadableArg& a) const {
    std::size_t o = std::min(a.token.offset + a.token.text.size(), text_.size());
    if (a.bracket == ' ') return o;
    const char close = a.bracket == '(' ? ')' : ']';
    while (o < text_.size() && text_[o] != close) ++o;
    return std::min(o + 1, text_.size());
  }

  [[noreturn]] void fail(std::size_t offset, const std::string& expected,
                         const std::string& found) const {
    offset = std::min(offset, text_.size());
    int line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < offset; ++i)
      if (text_[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    throw ParseError(line, static_cast<int>(offset - line_start) + 1, expected,
                     "expected " + expected + ", found " + found);
  }
  // A syntax error at `offset` (white space after it skipped).
  [[noreturn]] void fail_syntax(std::size_t offset, const std::string& expected) const {
    offset = skip(std::min(offset, text_.size()));
    fail(offset, expected, found_at(offset));
  }

 private:
  std::string_view text_;
  bool newline_is_space_;
};

std::string kind_name(LambdaKind k) {
  switch (k) {
    case LambdaKind::Unary: return "INT->INT";
    case LambdaKind::Predicate: return "INT->BOOL";
    case LambdaKind::Binary: return "INT,INT->INT";
    case LambdaKind::None: break;
  }
  return "no";
}

std::string lambdas_of_kind(LambdaKind k) {
  std::string s;
  for (int l = 1; l <= kNumLambdas; ++l)
    if (lambda_kind(Lambda(l)) == k) {
      if (!s.empty()) s += ' ';
      s += lambda_name(Lambda(l));
    }
  return s;
}

std::string shown(const ast::ReadableArg& a) {
  std::string s;
  if (a.bracket != ' ') s += a.bracket;
  s += a.token.text;
  if (a.bracket != ' ') s += a.bracket == '(' ? ')' : ']';
  return quote(s);
}

// How one text form names variables.
struct Naming {
  std::function<int(std::string_view)> resolve;  // variable index, or -1 if not a name
  std::function<std::string(int)> name;          // text of variable v
};

// Resolves `function lambda? var var` into a statement appended to `p`.
// `end` is the offset just past the statement (for missing arguments).
void add_statement(Program& p, const ast::ReadableArg& fn,
                   const std::vector<ast::ReadableArg>& rest, std::size_t end, const Naming& naming,
                   const Source& src) {
  const std::optional<Function> f =
      fn.bracket == ' ' ? function_from_name(fn.token.text) : std::nullopt;
  if (!f) {
    std::string found = shown(fn);
    if (fn.bracket == ' ' && lambda_from_name(fn.token.text)) found += " (a lambda)";
    src.fail(src.offset_of(fn), "a function name", found);
  }
  const std::string fname(function_name(*f));
  std::size_t i = 0;
  Lambda lambda = Lambda::None;
  const LambdaKind kind = lambda_kind_of(*f);
  if (kind != LambdaKind::None) {
    const std::string expected =
        "an " + kind_name(kind) + " lambda for " + fname + " (" + lambdas_of_kind(kind) + ")";
    if (rest.empty()) src.fail_syntax(end, expected);
    const ast::ReadableArg& a = rest[i++];
    const std::optional<Lambda> l =
        a.bracket != '[' ? lambda_from_name(a.token.text) : std::nullopt;
    if (!l) src.fail(src.offset_of(a), expected, shown(a));
    if (lambda_kind(*l) != kind)
      src.fail(src.offset_of(a), expected,
               shown(a) + " (an " + kind_name(lambda_kind(*l)) + " lambda)");
    lambda = *l;
  }
  const OperatorId id = *find_operator(*f, lambda);
  const Operator& o = op(id);
  Statement s;
  s.op = id;
  const int defined = p.num_vars();
  for (int k = 0; k < o.arity; ++k) {
    const std::string type = type_name(o.args[k]);
    if (i >= rest.size())
      src.fail_syntax(end, "argument " + std::to_string(k + 1) + " of " + fname +
                               " (a variable of type " + type + ")");
    const ast::ReadableArg& a = rest[i++];
    const int v = a.bracket == ' ' ? naming.resolve(a.token.text) : -1;
    if (v < 0) src.fail(src.offset_of(a), "a variable of type " + type, shown(a));
    if (v >= defined)
      src.fail(src.offset_of(a),
               "a variable defined before this statement (" + naming.name(0) + ".." +
                   naming.name(defined - 1) + ")",
               shown(a) + " (not defined yet)");
    if (p.var_type(v) != o.args[k])
      src.fail(src.offset_of(a), "a variable of type " + type,
               shown(a) + " (" + type_name(p.var_type(v)) + ")");
    s.args[k] = static_cast<VarIndex>(v);
  }
  if (i < rest.size())
    src.fail(src.offset_of(rest[i]),
             "end of statement (" + fname + " takes " + std::to_string(o.arity) +
                 (o.arity == 1 ? " variable" : " variables") + ")",
             shown(rest[i]));
  p.statements.push_back(s);
}

void check_room(const Program& p, std::size_t offset, const Source& src, const std::string& found) {
  if (p.num_vars() >= kMaxVars)
    src.fail(offset,
             "end of input (a program has at most " + std::to_string(kMaxVars) + " variables)",
             found);
}

// Parses `text` with an X3 grammar; expectation failures become ParseErrors.
template <typename Parser, typename Skipper, typename Attribute>
bool run_grammar(std::string_view text, const Parser& parser, const Skipper& skipper,
                 Attribute& attr, const Source& src) {
  namespace x3 = boost::spirit::x3;
  const char* const begin = text.data();
  const char* first = begin;
  const char* const last = begin + text.size();
  try {
    return x3::phrase_parse(first, last, x3::with<grammar::text_begin_tag>(begin)[parser], skipper,
                            attr);
  } catch (const x3::expectation_failure<const char*>& e) {
    src.fail_syntax(static_cast<std::size_t>(e.where() - begin), e.which());
  }
}

// Index of a compact variable (decimal digits), kMaxVars when too large
// to be one, -1 when not a number.
int compact_index(std::string_view s) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string_view::npos) return -1;
  if (s.size() > 4) return kMaxVars;
  int v = 0;
  for (char c : s) {
    v = v * 10 + (c - '0');
  }
  return v;
}

int readable_index(std::string_view s) {
  if (s.size() == 1 && s[0] >= 'a' && s[0] <= 'z') return s[0] - 'a';
  if (s.size() < 3 || s.size() > 5 || s[0] != 'v') return -1;
  const int v = compact_index(s.substr(1));
  if (v < 26 || variable_name(v) != s) return -1;
  return v;
}

}  // namespace

Program parse_compact(std::string_view text) {
  const Source src(text, /*newline_is_space=*/true);
  ast::CompactProgram segments;
  if (!run_grammar(text, grammar::compact, grammar::compact_skipper, segments, src))
    src.fail_syntax(0, "an input type (INT or LIST)");
  const Naming naming{compact_index, [](int v) { return std::to_string(v); }};
  Program p;
  for (const ast::CompactSegment& seg : segments) {
    const ast::Token& head = seg.front();
    const bool is_input = head.text == "INT" || head.text == "LIST";
    const Type input_type = head.text == "INT" ? Type::Int : Type::List;
    check_room(p, head.offset, src, quote(head.text));
    if (is_input) {
      if (!p.statements.empty())
        src.fail(head.offset, "a function name (input types come before statements)",
                 quote(head.text));
      if (p.inputs.size() == kMaxInputs)
        src.fail(head.offset, "a function name (a program has at most 3 inputs)", quote(head.text));
      if (seg.size() > 1)
        src.fail(seg[1].offset, "'|' or end of input after an input type", quote(seg[1].text));
      p.inputs.push_back(input_type);
      continue;
    }
    if (p.inputs.empty()) src.fail(head.offset, "an input type (INT or LIST)", quote(head.text));
    std::vector<ast::ReadableArg> rest;
    for (std::size_t i = 1; i < seg.size(); ++i) rest.push_back({seg[i], ' '});
    const ast::Token& last = seg.back();
    add_statement(p, {head, ' '}, rest, last.offset + last.text.size(), naming, src);
  }
  return p;
}

Program parse_readable(std::string_view text) {
  const Source src(text, /*newline_is_space=*/false);
  ast::ReadableProgram lines;
  if (!run_grammar(text, grammar::readable, grammar::readable_skipper, lines, src))
    src.fail_syntax(0, "a variable name");
  if (lines.empty()) src.fail_syntax(text.size(), "an input ('a <- [int]' or 'a <- int')");
  const Naming naming{readable_index, variable_name};
  Program p;
  for (const ast::ReadableLine& line : lines) {
    check_room(p, line.target.offset, src, quote(line.target.text));
    const std::string name = variable_name(p.num_vars());
    if (line.target.text != name)
      src.fail(line.target.offset,
               "variable name '" + name + "' (variables are named a, b, c, ... in order)",
               quote(line.target.text));
    const ast::ReadableArg& head = line.rhs.front();
    if (head.bracket == '[' && head.token.text != "int")
      src.fail(src.offset_of(head), "an input type ([int] or int)", shown(head));
    const bool is_input = head.bracket == '[' || (head.bracket == ' ' && head.token.text == "int");
    if (is_input) {
      if (!p.statements.empty())
        src.fail(src.offset_of(head), "a function name (inputs come before statements)",
                 shown(head));
      if (p.inputs.size() == kMaxInputs)
        src.fail(src.offset_of(head), "a function name (a program has at most 3 inputs)",
                 shown(head));
      if (line.rhs.size() > 1)
        src.fail(src.offset_of(line.rhs[1]), "end of line after an input type", shown(line.rhs[1]));
      p.inputs.push_back(head.bracket == '[' ? Type::List : Type::Int);
      continue;
    }
    if (p.inputs.empty())
      src.fail(src.offset_of(head), "an input type ([int] or int)", shown(head));
    const std::vector<ast::ReadableArg> rest(line.rhs.begin() + 1, line.rhs.end());
    add_statement(p, head, rest, src.end_of(line.rhs.back()), naming, src);
  }
  return p;
}

Program parse_program(std::string_view text) {
  return text.find("<-") != std::string_view::npos ? parse_readable(text) : parse_compact(text);
}

}  // namespace npeps
