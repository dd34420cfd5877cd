// Parser: both text forms, every error kind with its position, fuzzing.
#include "dsl/parser.h"

#include <gtest/gtest.h>

#include <random>

#include "dsl/printer.h"

namespace npeps {
namespace {

OperatorId opid(Function f, Lambda l = Lambda::None) { return *find_operator(f, l); }

TEST(ParseCompact, DslExample) {
  const Program p = parse_compact("LIST|FILTER,EVEN,0|MAP,/2,1|SORT,2|TAIL,3");
  ASSERT_EQ(p.inputs, std::vector<Type>{Type::List});
  ASSERT_EQ(p.statements.size(), 4u);
  EXPECT_EQ(p.statements[0], (Statement{opid(Function::Filter, Lambda::Even), {0, 0}}));
  EXPECT_EQ(p.statements[1], (Statement{opid(Function::Map, Lambda::Div2), {1, 0}}));
  EXPECT_EQ(p.statements[2], (Statement{opid(Function::Sort), {2, 0}}));
  EXPECT_EQ(p.statements[3], (Statement{opid(Function::Tail), {3, 0}}));
}

TEST(ParseCompact, ArgumentsInSignatureOrder) {
  const Program p = parse_compact("LIST|INT|TAKE,1,0|ZIPWITH,-,2,0|SCAN1L,min,3");
  ASSERT_EQ(p.inputs, (std::vector<Type>{Type::List, Type::Int}));
  EXPECT_EQ(p.statements[0], (Statement{opid(Function::Take), {1, 0}}));
  EXPECT_EQ(p.statements[1], (Statement{opid(Function::ZipWith, Lambda::Sub), {2, 0}}));
  EXPECT_EQ(p.statements[2], (Statement{opid(Function::Scan1l, Lambda::Min), {3, 0}}));
}

TEST(ParseCompact, ToleratesWhiteSpaceAndAcceptsNoStatements) {
  EXPECT_EQ(parse_compact("  LIST | FILTER , EVEN , 0 \n"), parse_compact("LIST|FILTER,EVEN,0"));
  EXPECT_EQ(parse_compact("\tINT|LIST|TAKE,0,1\r\n"), parse_compact("INT|LIST|TAKE,0,1"));
  const Program p = parse_compact("LIST|INT|LIST");
  EXPECT_EQ(p.inputs.size(), 3u);
  EXPECT_TRUE(p.statements.empty());
}

TEST(ParseReadable, DslExampleMatchesCompact) {
  const char* text =
      "a <- [int]\n"
      "b <- FILTER EVEN a\n"
      "c <- MAP (/2) b\n"
      "d <- SORT c\n"
      "e <- TAIL d";
  EXPECT_EQ(parse_readable(text), parse_compact("LIST|FILTER,EVEN,0|MAP,/2,1|SORT,2|TAIL,3"));
  EXPECT_EQ(to_readable(parse_readable(text)), text);  // the DSL.md example is canonical
}

TEST(ParseReadable, ForgivingOfWhiteSpaceBlankLinesAndParentheses) {
  const Program expected = parse_compact("LIST|INT|MAP,*2,0|ZIPWITH,+,0,2|TAKE,1,3|FILTER,EVEN,4");
  const char* variants[] = {
      "a <- [int]\nb <- int\nc <- MAP (*2) a\nd <- ZIPWITH + a c\ne <- TAKE b d\nf <- FILTER EVEN "
      "e",
      "a <- [int]\nb <- int\nc <- MAP *2 a\nd <- ZIPWITH (+) a c\ne <- TAKE b d\nf <- FILTER "
      "(EVEN) e\n",
      "\n\n  a<-[int]\r\n\tb <-   int  \n\n\nc <- MAP ( *2 ) a\nd<-ZIPWITH ( + ) a c\n \ne <- TAKE "
      "b d\nf <- FILTER EVEN e\n\n",
      "a <- [ int ]\nb <- int\nc <- MAP (*2)a\nd <- ZIPWITH +  a  c\ne <- TAKE  b d \nf <- "
      "FILTER(EVEN)e",
  };
  for (const char* v : variants) {
    SCOPED_TRACE(v);
    EXPECT_EQ(parse_readable(v), expected);
    EXPECT_EQ(parse_program(v), expected);
  }
}

TEST(ParseProgram, ChoosesTheForm) {
  EXPECT_EQ(parse_program("LIST|SORT,0"), parse_program("a <- [int]\nb <- SORT a"));
  EXPECT_THROW(parse_program("a <- [int]|SORT,0"), ParseError);
}

TEST(Printer, VariableNames) {
  EXPECT_EQ(variable_name(0), "a");
  EXPECT_EQ(variable_name(25), "z");
  EXPECT_EQ(variable_name(26), "v26");
  EXPECT_EQ(variable_name(130), "v130");
}

TEST(Printer, Conventions) {
  const Program p =
      parse_compact("LIST|INT|MAP,*-1,0|FILTER,>0,2|SCAN1L,max,3|ZIPWITH,-,4,0|TAKE,1,5");
  EXPECT_EQ(to_compact(p), "LIST|INT|MAP,*-1,0|FILTER,>0,2|SCAN1L,max,3|ZIPWITH,-,4,0|TAKE,1,5");
  EXPECT_EQ(to_readable(p),
            "a <- [int]\nb <- int\nc <- MAP (*-1) a\nd <- FILTER (>0) c\ne <- SCAN1L max d\n"
            "f <- ZIPWITH (-) e a\ng <- TAKE b f");
}

// One expected error: text, form, position, the `expected` field and what().
struct ErrorCase {
  const char* text;
  bool readable;
  int line;
  int column;
  const char* expected;  // prefix of ParseError::expected
  const char* what;      // substring of what()
};

class ParseErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ParseErrors, ReportPositionAndExpectation) {
  const ErrorCase& c = GetParam();
  try {
    if (c.readable)
      parse_readable(c.text);
    else
      parse_compact(c.text);
    FAIL() << "no error for: " << c.text;
  } catch (const ParseError& e) {
    EXPECT_EQ(e.line, c.line) << e.what();
    EXPECT_EQ(e.column, c.column) << e.what();
    EXPECT_EQ(e.expected.rfind(c.expected, 0), 0u) << e.expected;
    EXPECT_NE(std::string(e.what()).find(c.what), std::string::npos) << e.what();
    const std::string prefix =
        "line " + std::to_string(c.line) + ", column " + std::to_string(c.column) + ": expected ";
    EXPECT_EQ(std::string(e.what()).rfind(prefix, 0), 0u) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Compact, ParseErrors,
    ::testing::Values(
        ErrorCase{"", false, 1, 1, "an input type", "found end of input"},
        ErrorCase{"SORT,0", false, 1, 1, "an input type (INT or LIST)", "found 'SORT'"},
        ErrorCase{"LIST|FOO,0", false, 1, 6, "a function name", "found 'FOO'"},
        ErrorCase{"LIST|EVEN,0", false, 1, 6, "a function name", "found 'EVEN' (a lambda)"},
        ErrorCase{"LIST|MAP,*5,0", false, 1, 10, "an INT->INT lambda for MAP", "found '*5'"},
        ErrorCase{"LIST|MAP,EVEN,0", false, 1, 10, "an INT->INT lambda for MAP",
                  "found 'EVEN' (an INT->BOOL lambda)"},
        ErrorCase{"LIST|FILTER,+,0", false, 1, 13, "an INT->BOOL lambda",
                  "found '+' (an INT,INT->INT lambda)"},
        ErrorCase{"LIST|MAP", false, 1, 9, "an INT->INT lambda", "found end of input"},
        ErrorCase{"LIST|ZIPWITH,+,0", false, 1, 17,
                  "argument 2 of ZIPWITH (a variable of type LIST)", "found end of input"},
        ErrorCase{"LIST|ZIPWITH,+,0 |SORT,0", false, 1, 18, "argument 2 of ZIPWITH", "found '|'"},
        ErrorCase{"LIST|SORT,0,0", false, 1, 13, "end of statement (SORT takes 1 variable)",
                  "found '0'"},
        ErrorCase{"LIST|SORT,1", false, 1, 11, "a variable defined before this statement (0..0)",
                  "found '1' (not defined yet)"},
        ErrorCase{"LIST|SORT,0|SORT,2", false, 1, 18,
                  "a variable defined before this statement (0..1)", "'2' (not defined yet)"},
        ErrorCase{"LIST|SORT,99999999999999", false, 1, 11, "a variable defined before",
                  "not defined yet"},
        ErrorCase{"LIST|SORT,x", false, 1, 11, "a variable of type LIST", "found 'x'"},
        ErrorCase{"LIST|INT|TAKE,0,1", false, 1, 15, "a variable of type INT",
                  "expected a variable of type INT, found '0' (LIST)"},
        ErrorCase{"LIST|INT|TAKE,1,1", false, 1, 17, "a variable of type LIST", "found '1' (INT)"},
        ErrorCase{"LIST|LIST|INT|INT|SORT,0", false, 1, 15,
                  "a function name (a program has at most 3 inputs)", "found 'INT'"},
        ErrorCase{"LIST|SORT,0|INT", false, 1, 13,
                  "a function name (input types come before statements)", "found 'INT'"},
        ErrorCase{"INT,3|SORT,0", false, 1, 5, "'|' or end of input after an input type",
                  "found '3'"},
        ErrorCase{"LIST|", false, 1, 6, "an input type or a statement", "found end of input"},
        ErrorCase{"LIST||SORT,0", false, 1, 6, "an input type or a statement", "found '|'"},
        ErrorCase{"LIST|SORT,,0", false, 1, 11, "a name or a variable index", "found ','"},
        ErrorCase{"LIST|SORT,0 1", false, 1, 13, "',', '|' or end of input", "found '1'"},
        ErrorCase{"LIST|\n  SORT,3", false, 2, 8, "a variable defined before", "found '3'"},
        ErrorCase{"LIST|SORT,\x01", false, 1, 11, "a variable of type LIST", "found '\\x01'"}));

INSTANTIATE_TEST_SUITE_P(
    Readable, ParseErrors,
    ::testing::Values(
        ErrorCase{"a <- [int]\nb <- int\nc <- MAP (*2) b", true, 3, 15, "a variable of type LIST",
                  "line 3, column 15: expected a variable of type LIST, found 'b' (INT)"},
        ErrorCase{"", true, 1, 1, "an input", "found end of input"},
        ErrorCase{"\n  \n", true, 3, 1, "an input", "found end of input"},
        ErrorCase{"a <- SORT a", true, 1, 6, "an input type ([int] or int)", "found 'SORT'"},
        ErrorCase{"a <- [list]", true, 1, 6, "an input type ([int] or int)", "found '[list]'"},
        ErrorCase{"a <- [int]\nc <- SORT a", true, 2, 1, "variable name 'b'", "found 'c'"},
        ErrorCase{"b <- [int]", true, 1, 1, "variable name 'a'", "found 'b'"},
        ErrorCase{"a <- [int]\nb <- FOO a", true, 2, 6, "a function name", "found 'FOO'"},
        ErrorCase{"a <- [int]\nb <- (SORT) a", true, 2, 6, "a function name", "found '(SORT)'"},
        ErrorCase{"a <- [int]\nb <- MAP EVEN a", true, 2, 10, "an INT->INT lambda for MAP",
                  "found 'EVEN' (an INT->BOOL lambda)"},
        ErrorCase{"a <- [int]\nb <- MAP [*2] a", true, 2, 10, "an INT->INT lambda", "found '[*2]'"},
        ErrorCase{"a <- [int]\nb <- ZIPWITH + a", true, 2, 17, "argument 2 of ZIPWITH",
                  "found end of input"},
        ErrorCase{"a <- [int]\nb <- ZIPWITH (+) a\n", true, 2, 19, "argument 2 of ZIPWITH",
                  "found end of line"},
        ErrorCase{"a <- [int]\nb <- MAP ( *2 )  ", true, 2, 18, "argument 1 of MAP",
                  "found end of input"},
        ErrorCase{"a <- [int]\nb <- SORT a a", true, 2, 13,
                  "end of statement (SORT takes 1 variable)", "found 'a'"},
        ErrorCase{"a <- [int]\nb <- SORT c", true, 2, 11,
                  "a variable defined before this statement (a..a)", "found 'c' (not defined yet)"},
        ErrorCase{"a <- [int]\nb <- SORT (a)", true, 2, 11, "a variable of type LIST",
                  "found '(a)'"},
        ErrorCase{"a <- [int]\nb <- SORT v0", true, 2, 11, "a variable of type LIST", "found 'v0'"},
        ErrorCase{"a <- [int]\nb <- int\nc <- int\nd <- [int]", true, 4, 6,
                  "a function name (a program has at most 3 inputs)", "found '[int]'"},
        ErrorCase{"a <- [int]\nb <- SORT a\nc <- int", true, 3, 6,
                  "a function name (inputs come before statements)", "found 'int'"},
        ErrorCase{"a <- [int] x", true, 1, 12, "end of line after an input type", "found 'x'"},
        ErrorCase{"a [int]", true, 1, 3, "'<-'", "found '['"},
        ErrorCase{"a <- ", true, 1, 6, "a function, lambda or variable", "found end of input"},
        ErrorCase{"a <- [int]\nb <- MAP (*2 a", true, 2, 14, "')'", "found 'a'"},
        ErrorCase{"a <- [int]\nb <- SORT a)", true, 2, 12, "end of line", "found ')'"},
        ErrorCase{"a <- [int]\n<- SORT a", true, 2, 1, "a variable name", "found '<-'"}));

// What a ParseError must satisfy on any input: a position inside the text.
void expect_sane_error(const ParseError& e, const std::string& text) {
  ASSERT_GE(e.line, 1);
  ASSERT_GE(e.column, 1);
  std::size_t start = 0;
  for (int l = 1; l < e.line; ++l) {
    start = text.find('\n', start);
    ASSERT_NE(start, std::string::npos) << "line " << e.line << " past the end";
    ++start;
  }
  const std::size_t end = std::min(text.find('\n', start), text.size());
  EXPECT_LE(static_cast<std::size_t>(e.column), end - start + 1);
  EXPECT_FALSE(e.expected.empty());
}

// Parses `text` with `parse`; a success must be a checked, printable program.
template <typename Parse, typename Print>
void fuzz_one(const std::string& text, Parse parse, Print print) {
  try {
    const Program p = parse(text);
    EXPECT_NO_THROW(check(p));
    EXPECT_EQ(parse(print(p)), p) << text;
  } catch (const ParseError& e) {
    expect_sane_error(e, text);
  }
}

TEST(ParseFuzz, RandomBytesNeverCrash) {
  std::mt19937 rng(12345);
  for (int i = 0; i < 6000; ++i) {
    std::string text(std::uniform_int_distribution<int>(0, 40)(rng), '\0');
    for (char& c : text) c = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
    fuzz_one(text, parse_compact, to_compact);
    fuzz_one(text, parse_readable, to_readable);
    fuzz_one(text, parse_program, to_compact);
  }
}

TEST(ParseFuzz, TokenSoupNeverCrashes) {
  const std::vector<std::string> vocab = {
      "LIST", "INT", "MAP", "FILTER", "ZIPWITH", "SORT", "TAKE", "HEAD", "SCAN1L",      "*2",
      "EVEN", "+",   "min", "-",      "0",       "1",    "2",    "300",  "99999999999", ",",
      "|",    " ",   "\n",  "\r\n",   "<-",      "a",    "b",    "c",    "v26",         "(",
      ")",    "[",   "]",   "[int]",  "int",     "\t",   "\xff", ""};
  std::mt19937 rng(777);
  for (int i = 0; i < 8000; ++i) {
    std::string text;
    const int n = std::uniform_int_distribution<int>(0, 16)(rng);
    for (int k = 0; k < n; ++k)
      text += vocab[std::uniform_int_distribution<std::size_t>(0, vocab.size() - 1)(rng)];
    fuzz_one(text, parse_compact, to_compact);
    fuzz_one(text, parse_readable, to_readable);
  }
}

TEST(ParseFuzz, MutatedValidProgramsNeverCrash) {
  const std::string compact = "LIST|INT|FILTER,EVEN,0|MAP,/2,2|TAKE,1,3|ZIPWITH,-,4,0|SCAN1L,max,5";
  const std::string readable = to_readable(parse_compact(compact));
  std::mt19937 rng(99);
  for (int i = 0; i < 4000; ++i) {
    for (const std::string* base : {&compact, &readable}) {
      std::string text = *base;
      const int edits = std::uniform_int_distribution<int>(1, 3)(rng);
      for (int k = 0; k < edits && !text.empty(); ++k) {
        const std::size_t at = std::uniform_int_distribution<std::size_t>(0, text.size() - 1)(rng);
        const char c =
            "0123456789,|() []<-\nabzLISTMAP*+"[std::uniform_int_distribution<int>(0, 31)(rng)];
        switch (std::uniform_int_distribution<int>(0, 2)(rng)) {
          case 0: text[at] = c; break;
          case 1: text.erase(at, 1); break;
          default: text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c);
        }
      }
      fuzz_one(text, parse_compact, to_compact);
      fuzz_one(text, parse_readable, to_readable);
    }
  }
}

}  // namespace
}  // namespace npeps
