// Every benchmark suite in suites/ loads, and every task in it is solved by
// its reference program (run on each example's inputs, compared with the
// output), has 1..10 examples, and a unique id.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "datasets/task.h"

namespace npeps {
namespace {

std::vector<std::filesystem::path> suite_files() {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(NPEPS_SOURCE_DIR "/suites"))
    if (e.path().extension() == ".jsonl") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Suites, TheSuitesAreThere) {
  std::set<std::string> names;
  for (const auto& p : suite_files()) names.insert(p.filename().string());
  for (const char* f : {"handwritten.jsonl", "e1.jsonl", "e2_l5.jsonl", "e2_l8.jsonl",
                        "e2_l10.jsonl", "e2_l12.jsonl", "e2_l14.jsonl"})
    EXPECT_TRUE(names.count(f)) << f;
}

TEST(Suites, EveryTaskIsSolvedByItsReferenceProgram) {
  for (const auto& path : suite_files()) {
    SCOPED_TRACE(path.filename().string());
    std::vector<std::string> errors;
    const std::vector<Task> tasks = load_tasks(path.string(), &errors);
    EXPECT_TRUE(errors.empty()) << errors.front();
    EXPECT_FALSE(tasks.empty());
    std::set<std::string> ids;
    for (const Task& t : tasks) {
      SCOPED_TRACE(t.id);
      EXPECT_TRUE(ids.insert(t.id).second) << "duplicate id";
      ASSERT_TRUE(t.program.has_value()) << "no reference program";
      EXPECT_GE(t.examples.size(), 1u);
      EXPECT_LE(t.examples.size(), static_cast<std::size_t>(kMaxExamples));
      for (std::size_t e = 0; e < t.examples.size(); ++e) {
        const RunResult r = run(*t.program, t.examples[e].inputs);
        EXPECT_TRUE(r.status == EvalStatus::Ok && r.output == t.examples[e].output)
            << "example " << e;
      }
    }
  }
}

TEST(Suites, HandwrittenTasksLookLikeUsersTasks) {
  std::vector<std::string> errors;
  const auto tasks = load_tasks(NPEPS_SOURCE_DIR "/suites/handwritten.jsonl", &errors);
  EXPECT_GE(tasks.size(), 70u);
  std::set<std::size_t> counts;
  for (const Task& t : tasks) {
    SCOPED_TRACE(t.id);
    counts.insert(t.examples.size());
    EXPECT_GE(t.examples.size(), 2u);
    EXPECT_LE(t.examples.size(), 5u);
    EXPECT_GE(t.program->statements.size(), 1u);
    EXPECT_LE(t.program->statements.size(), 4u);
  }
  EXPECT_EQ(counts, (std::set<std::size_t>{2, 3, 4, 5}));
}

}  // namespace
}  // namespace npeps
