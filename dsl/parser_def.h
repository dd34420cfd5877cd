// Boost.Spirit X3 grammars of the two program text forms (syntax only;
// names, arities and types are checked over the AST in parser.cpp).
// Include only from parser.cpp: this keeps Spirit's compile cost in one file.
//
// Parsers run over `const char*` iterators and must be wrapped in
// `x3::with<text_begin_tag>(begin)[...]` so tokens can record their byte
// offsets. Rule names are the "expected ..." texts of syntax errors.
#pragma once

#include <boost/fusion/include/adapt_struct.hpp>
#include <boost/spirit/home/x3.hpp>

#include "dsl/parser_ast.h"

BOOST_FUSION_ADAPT_STRUCT(npeps::ast::ReadableLine, target, rhs)

namespace npeps::grammar {

namespace x3 = boost::spirit::x3;

using Iterator = const char*;

// Key of the x3::with value holding the first character of the text.
struct text_begin_tag;

// Stores a raw[] match as a Token with its offset from the start of the text.
inline constexpr auto set_token = [](auto& ctx) {
  const auto& range = x3::_attr(ctx);
  const Iterator begin = x3::get<text_begin_tag>(ctx);
  ast::Token& tok = x3::_val(ctx);
  tok.offset = static_cast<std::size_t>(range.begin() - begin);
  tok.text.assign(range.begin(), range.end());
};

template <char Bracket>
inline constexpr auto set_arg = [](auto& ctx) {
  x3::_val(ctx).token = x3::_attr(ctx);
  x3::_val(ctx).bracket = Bracket;
};

// ---- Compact form: `LIST|FILTER,EVEN,0|MAP,/2,1` (any white space between tokens).

// White space skipped between compact tokens. Explicit characters, not
// x3::space, so that bytes >= 0x80 never reach <cctype>.
inline const auto compact_skipper = x3::char_(" \t\r\n\f\v");

const x3::rule<class ctoken_id, ast::Token> ctoken = "a name or a variable index";
const x3::rule<class csegment_id, ast::CompactSegment> csegment = "an input type or a statement";
const x3::rule<class cend_id> cend = "',', '|' or end of input";
const x3::rule<class compact_id, ast::CompactProgram> compact = "a program";

inline const auto ctoken_def = x3::lexeme[x3::raw[+~x3::char_(",| \t\r\n\f\v")]][set_token];
inline const auto csegment_def = ctoken >> *(x3::lit(',') > ctoken);
inline const auto cend_def = x3::eoi;
inline const auto compact_def = csegment >> *(x3::lit('|') > csegment) > cend;

BOOST_SPIRIT_DEFINE(ctoken, csegment, cend, compact)

// ---- Readable form: one `name <- ...` per line; blank lines allowed.

// Blanks skipped inside a readable line (newlines end lines).
inline const auto readable_skipper = x3::char_(" \t\r\f\v");

const x3::rule<class rname_id, ast::Token> rname = "a variable name";
const x3::rule<class rword_id, ast::Token> rword = "a name";
const x3::rule<class rarg_id, ast::ReadableArg> rarg = "a function, lambda or variable";
const x3::rule<class rargs_id, std::vector<ast::ReadableArg>> rargs =
    "a function, lambda or variable";
const x3::rule<class arrow_id> arrow = "'<-'";
const x3::rule<class rend_id> rend = "end of line";
const x3::rule<class rline_id, ast::ReadableLine> rline = "a variable name";  // what starts a line
const x3::rule<class readable_id, ast::ReadableProgram> readable = "a program";

inline const auto rname_def =
    x3::lexeme[x3::raw[x3::char_("a-zA-Z_") >> *x3::char_("a-zA-Z0-9_")]][set_token];
inline const auto rword_def = x3::lexeme[x3::raw[+~x3::char_("()[] \t\r\n\f\v")]][set_token];
inline const auto rarg_def = (x3::lit('(') > rword > x3::lit(')'))[set_arg<'('>] |
                             (x3::lit('[') > rword > x3::lit(']'))[set_arg<'['>] |
                             rword[set_arg<' '>];
inline const auto rargs_def = +rarg;
inline const auto arrow_def = x3::lit("<-");
inline const auto rend_def = +x3::eol | x3::eoi;
inline const auto rline_def = rname > arrow > rargs;
inline const auto readable_def = *x3::eol >> *((!x3::eoi) > rline > rend);

BOOST_SPIRIT_DEFINE(rname, rword, rarg, rargs, arrow, rend, rline, readable)

}  // namespace npeps::grammar
