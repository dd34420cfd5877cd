// The neural path end to end: a tiny network trained in the test (fixed
// seed, about a second) guides CAB to a program, and guides it better than
// the uniform policy does.
#include <gtest/gtest.h>

#include "model_test_util.h"
#include "models/pccoder_policy.h"
#include "models/pccoder_trainer.h"
#include "models/trace.h"
#include "search/beam_search.h"

namespace npeps {
namespace {

// Trains on many tasks of a few program families, so the network learns
// which statements those families start with.
PCCoderNet train_tiny_net() {
  const std::vector<std::string> programs = {
      "LIST|SORT,0|REVERSE,1",
      "LIST|FILTER,>0,0|SUM,1",
      "LIST|MAP,*2,0|SORT,1",
      "LIST|SCAN1L,max,0",
  };
  StateSet set(5);
  std::uint64_t seed = 500;
  for (int rep = 0; rep < 25; ++rep)
    for (const std::string& p : programs) {
      const Task t = test::make_task(p, 5, seed++);
      set.add(build_trace(*t.program, t.examples));
    }
  std::vector<std::int64_t> all(set.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::int64_t>(i);
  Learner learner(PCCoderNet(test::tiny_net(), 7), LearnerOptions{1e-2});
  for (int i = 0; i < 150; ++i) learner.step(set, all);
  EXPECT_GT(learner.evaluate(set).statement_acc, 0.9);
  return std::move(learner.net());
}

TEST(TinyModelSearch, GuidesBeamSearchToTheProgram) {
  PCCoderPolicy neural(train_tiny_net());
  UniformPolicy uniform;
  BeamSearchOptions opts;
  opts.initial_beam = 4;
  opts.initial_width = 4;
  opts.max_depth = 4;
  SearchLimits limits;
  limits.max_nodes = 200'000;

  // Fresh examples the network never saw.
  const Task task = test::make_task("LIST|SORT,0|REVERSE,1", 5, 9'999);
  const SearchResult guided = beam_search(task.examples, neural, opts, limits);
  ASSERT_TRUE(guided.solved());
  EXPECT_TRUE(satisfies(*guided.program, task.examples));
  EXPECT_GT(guided.stats.model_calls, 0u);

  const SearchResult blind = beam_search(task.examples, uniform, opts, limits);
  // The trained network must need fewer nodes than no guidance at all.
  EXPECT_LT(guided.stats.nodes, blind.stats.nodes)
      << "guided " << guided.stats.nodes << " vs uniform " << blind.stats.nodes;
}

}  // namespace
}  // namespace npeps
