#include "datasets/generator.h"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <unordered_set>

#include "datasets/behaviour.h"
#include "generator_test_util.h"

namespace npeps {
namespace {

using testing::make_program;

GeneratorOptions small_options(std::vector<int> lengths, std::size_t n, std::uint64_t seed,
                               int threads) {
  GeneratorOptions o;
  o.lengths = std::move(lengths);
  o.programs_per_length = n;
  o.seed = seed;
  o.threads = threads;
  return o;
}

int length_of_id(const std::string& id) { return std::stoi(id.substr(1, id.find('-') - 1)); }

void expect_well_formed(const std::vector<Task>& tasks, const GeneratorOptions& o) {
  const std::regex id_re("L[0-9]+-[0-9]{6}");
  std::set<std::string> ids;
  for (const Task& t : tasks) {
    SCOPED_TRACE(t.id);
    ASSERT_TRUE(t.program.has_value());
    const Program& p = *t.program;
    EXPECT_NO_THROW(check(p));
    EXPECT_TRUE(std::regex_match(t.id, id_re));
    EXPECT_TRUE(ids.insert(t.id).second) << "duplicate id";
    EXPECT_EQ(static_cast<int>(p.statements.size()), length_of_id(t.id));
    EXPECT_GE(p.inputs.size(), 1u);
    EXPECT_LE(static_cast<int>(p.inputs.size()), o.max_inputs);
    EXPECT_EQ(p.inputs[0], Type::List);
    EXPECT_EQ(static_cast<int>(t.examples.size()), o.num_examples);
    EXPECT_TRUE(satisfies(p, t.examples));
    // Every variable but the output is used by a later statement.
    std::vector<bool> used(p.num_vars(), false);
    for (const Statement& s : p.statements) {
      used[s.args[0]] = true;
      if (op(s.op).arity == 2) used[s.args[1]] = true;
    }
    for (int v = 0; v + 1 < p.num_vars(); ++v)
      EXPECT_TRUE(used[v]) << "variable " << v << " unused";
    for (std::size_t i = 0; i < p.statements.size(); ++i)
      for (std::size_t j = i + 1; j < p.statements.size(); ++j)
        EXPECT_FALSE(p.statements[i] == p.statements[j]) << "statements " << i << " and " << j;
    // Outputs are never NULL and not all equal; inputs distinct.
    std::set<std::string> outputs, inputs;
    for (const Example& e : t.examples) {
      EXPECT_FALSE(e.output.is_null());
      outputs.insert(to_json(e.output));
      std::string in;
      for (const Value& v : e.inputs) in += to_json(v) + ";";
      inputs.insert(in);
      for (const Value& v : e.inputs) {
        if (v.is_int()) {
          EXPECT_TRUE(in_range(v.as_int()));
        }
        if (v.is_list()) {
          EXPECT_LE(v.size, kMaxListLength);
        }
      }
    }
    if (o.num_examples > 1) {
      EXPECT_GT(outputs.size(), 1u);
    }
    EXPECT_EQ(inputs.size(), t.examples.size());
  }
}

TEST(Generator, ProgramsAreWellFormedAndSatisfyTheirExamples) {
  const GeneratorOptions o = small_options({2, 3, 4, 6, 8}, 40, 7, 2);
  GeneratorStats stats;
  const auto tasks = generate(o, &stats);
  expect_well_formed(tasks, o);
  std::map<int, int> per_length;
  for (const Task& t : tasks) ++per_length[length_of_id(t.id)];
  for (int l : {3, 4, 6, 8}) EXPECT_EQ(per_length[l], 40) << "length " << l;
  ASSERT_EQ(stats.lengths.size(), 5u);
  for (const LengthStats& s : stats.lengths) {
    EXPECT_EQ(static_cast<int>(s.kept), per_length[s.length]);
    EXPECT_GT(s.example_acceptance(), 0.0);
  }
}

TEST(Generator, RespectsMaxInputsAndExampleCount) {
  GeneratorOptions o = small_options({5}, 30, 3, 1);
  o.max_inputs = 1;
  o.num_examples = 8;
  const auto tasks = generate(o);
  ASSERT_EQ(tasks.size(), 30u);
  expect_well_formed(tasks, o);
  o.max_inputs = 3;
  o.num_examples = 1;
  expect_well_formed(generate(o), o);
}

TEST(Generator, ReachesLength12WithValidExamples) {
  const GeneratorOptions o = small_options({12}, 12, 11, 2);
  const auto tasks = generate(o);
  ASSERT_EQ(tasks.size(), 12u);
  expect_well_formed(tasks, o);
}

TEST(Generator, ShortLengthStopsWhenItsSpaceIsExhausted) {
  const GeneratorOptions o = small_options({1}, 5000, 5, 2);
  GeneratorStats stats;
  const auto tasks = generate(o, &stats);
  EXPECT_LT(tasks.size(), 200u);  // only a few dozen length-1 behaviours exist
  EXPECT_GT(tasks.size(), 20u);
  expect_well_formed(tasks, o);
}

TEST(Generator, DeterministicWhateverTheThreadCount) {
  auto o = small_options({3, 7}, 60, 42, 1);
  const auto a = generate(o);
  o.threads = 2;
  const auto b = generate(o);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].id, b[i].id);
    EXPECT_EQ(*a[i].program, *b[i].program);
    ASSERT_EQ(a[i].examples.size(), b[i].examples.size());
    for (std::size_t e = 0; e < a[i].examples.size(); ++e) {
      EXPECT_EQ(a[i].examples[e].inputs, b[i].examples[e].inputs);
      EXPECT_EQ(a[i].examples[e].output, b[i].examples[e].output);
    }
  }
  o.seed = 43;
  const auto c = generate(o);
  std::size_t same = 0;
  for (std::size_t i = 0; i < std::min(a.size(), c.size()); ++i)
    same += *a[i].program == *c[i].program;
  EXPECT_LT(same, a.size() / 2);
}

TEST(Generator, NoTwoKeptProgramsShareABehaviour) {
  const auto tasks = generate(small_options({2, 3, 4, 5}, 150, 9, 2));
  const ProbeSet probes;
  std::unordered_set<Signature, SignatureHash> seen;
  for (const Task& t : tasks)
    EXPECT_TRUE(seen.insert(behaviour_signature(*t.program, probes)).second) << t.id;
}

TEST(Generator, ExcludeKeepsSplitsDisjoint) {
  const auto train = generate(small_options({2, 3}, 200, 1, 2));
  auto o = small_options({2, 3}, 100, 2, 2);
  GeneratorStats plain_stats;
  const auto plain = generate(o, &plain_stats);
  o.exclude = &train;
  GeneratorStats stats;
  const auto test = generate(o, &stats);
  const ProbeSet probes;
  std::unordered_set<Signature, SignatureHash> train_sigs;
  for (const Task& t : train) train_sigs.insert(behaviour_signature(*t.program, probes));
  std::size_t overlap_without = 0;
  for (const Task& t : plain)
    overlap_without += train_sigs.count(behaviour_signature(*t.program, probes));
  EXPECT_GT(overlap_without, 0u) << "the test needs splits that would overlap";
  for (const Task& t : test)
    EXPECT_EQ(train_sigs.count(behaviour_signature(*t.program, probes)), 0u) << t.id;
  std::size_t excluded = 0;
  for (const LengthStats& s : stats.lengths) excluded += s.excluded;
  EXPECT_GT(excluded, 0u);
}

TEST(Generator, ProgressReportsUpToTheTotal) {
  auto o = small_options({3, 4}, 30, 4, 2);
  std::size_t last_done = 0, calls = 0, total = 0;
  o.progress = [&](std::size_t done, std::size_t wanted) {
    EXPECT_GE(done, last_done);
    last_done = done;
    total = wanted;
    ++calls;
  };
  const auto tasks = generate(o);
  EXPECT_GT(calls, 0u);
  EXPECT_EQ(total, 60u);
  EXPECT_EQ(last_done, tasks.size());
}

TEST(Generator, PerExampleVariants) {
  const auto tasks = generate(small_options({4}, 10, 8, 1));
  const auto pe = per_example_variants(tasks);
  ASSERT_EQ(pe.size(), 50u);
  for (std::size_t i = 0; i < pe.size(); ++i) {
    const Task& src = tasks[i / 5];
    EXPECT_EQ(pe[i].id, src.id + "/e" + std::to_string(i % 5));
    ASSERT_EQ(pe[i].examples.size(), 1u);
    EXPECT_EQ(*pe[i].program, *src.program);
    EXPECT_TRUE(satisfies(*pe[i].program, pe[i].examples));
  }
}

TEST(Generator, RejectsBadOptions) {
  auto bad = [](auto edit) {
    GeneratorOptions o;
    edit(o);
    return o;
  };
  EXPECT_THROW(generate(bad([](auto& o) { o.lengths = {}; })), GeneratorError);
  EXPECT_THROW(generate(bad([](auto& o) { o.lengths = {0}; })), GeneratorError);
  EXPECT_THROW(generate(bad([](auto& o) { o.lengths = {33}; })), GeneratorError);
  EXPECT_THROW(generate(bad([](auto& o) { o.max_inputs = 4; })), GeneratorError);
  EXPECT_THROW(generate(bad([](auto& o) { o.num_examples = 11; })), GeneratorError);
  EXPECT_THROW(generate(bad([](auto& o) { o.num_examples = 0; })), GeneratorError);
}

TEST(Generator, ConstraintsBeatRejectionSampling) {
  auto o = small_options({8}, 60, 13, 2);
  GeneratorStats with, without;
  generate(o, &with);
  o.use_constraints = false;
  generate(o, &without);
  const LengthStats &w = with.lengths[0], &wo = without.lengths[0];
  EXPECT_GT(w.example_acceptance(), wo.example_acceptance());
  EXPECT_LT(w.no_examples * wo.candidates,
            wo.no_examples * w.candidates);  // fewer programs given up
}

}  // namespace
}  // namespace npeps
