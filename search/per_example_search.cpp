#include "search/per_example_search.h"

#include <tbb/global_control.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "dsl/examples_check.h"
#include "search/tsan_annotations.h"

namespace npeps {
namespace {

void validate(const std::vector<Example>& examples, std::span<Policy* const> policies,
              const PerExampleOptions& o) {
  auto need = [](bool ok, const std::string& what) {
    if (!ok) throw PerExampleSearchError("per-example search: " + what);
  };
  if (const std::string p = examples_problem(examples); !p.empty())
    throw PerExampleSearchError("per-example search: " + p);
  need(o.threads >= 1, "threads must be >= 1");
  need(o.budget_s > 0, "budget_s must be > 0");  // false for NaN too
  need(o.max_solutions >= 0, "max_solutions must be >= 0");
  need(policies.size() >= static_cast<std::size_t>(o.threads),
       std::to_string(policies.size()) + " policies for " + std::to_string(o.threads) + " threads");
  for (int w = 0; w < o.threads; ++w)
    need(policies[w] != nullptr, "policy " + std::to_string(w) + " is null");
}

bool covers(const std::vector<bool>& covered) {
  return std::all_of(covered.begin(), covered.end(), [](bool b) { return b; });
}

// One example's search: its cancel flag and, once finished, its outcome.
struct ExampleRun {
  std::atomic<bool> cancel{false};
  bool finished = false;               // guarded by Phase::mu_
  std::optional<PESolution> solution;  // written by the search's worker before `finished`
  SearchStats stats;
};

class Phase {
 public:
  Phase(const std::vector<Example>& examples, std::span<Policy* const> policies,
        const PerExampleOptions& opts, const SearchLimits& limits)
      : examples_(examples),
        policies_(policies),
        opts_(opts),
        limits_(limits),
        n_(static_cast<int>(examples.size())),
        runs_(std::make_unique<ExampleRun[]>(examples.size())),
        bound_(n_) {
    node_budget_ = limits.max_nodes;
    if (opts.max_nodes != 0) node_budget_ = std::min(node_budget_, opts.max_nodes);
  }

  PerExampleResult run() {
    const Clock::time_point start = Clock::now();
    {
      Watcher watcher(*this);
      // More would only queue in TBB (and make it warn).
      const int allowed = static_cast<int>(
          tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
      const int workers = std::max(1, std::min({opts_.threads, n_, allowed}));
      if (workers == 1) {
        work(0);
      } else {
        tbb::task_arena arena(workers);
        arena.execute([&] {
          tbb::task_group group;
          tsan_release(&tbb_handoff);
          for (int w = 0; w < workers; ++w) group.run(Worker(this, w));
          group.wait();
          tsan_acquire(&tbb_handoff);
        });
      }
    }
    if (error_) std::rethrow_exception(error_);
    PerExampleResult r = collect();
    r.stats.time_s = std::chrono::duration<double>(Clock::now() - start).count();
    return r;
  }

 private:
  // One worker's task body. TBB copies it into its task object inside
  // run() and a worker thread reads the copy; libtbb is not instrumented,
  // so ThreadSanitizer would not see that the copy happens before the read
  // (it reported a race on the last worker's copy). Each copy therefore
  // releases its own address, and the body acquires it before reading a
  // field (search/tsan_annotations.h; nothing in other builds).
  class Worker {
   public:
    Worker(Phase* phase, int w) : phase_(phase), w_(w) { tsan_release(this); }
    Worker(const Worker& o) : phase_(o.phase_), w_(o.w_) { tsan_release(this); }
    Worker& operator=(const Worker&) = delete;
    void operator()() const {
      tsan_acquire(const_cast<Worker*>(this));
      tsan_acquire(&tbb_handoff);  // what the spawner wrote before run()
      phase_->work(w_);
      tsan_release(&tbb_handoff);  // what this task wrote, for the thread after wait()
    }

   private:
    Phase* phase_;
    int w_;
  };

  // Forwards limits.cancel to every search, polling it every millisecond
  // until the phase ends; does nothing when the caller gave no cancel flag.
  class Watcher {
   public:
    explicit Watcher(Phase& p) : phase_(p) {
      if (p.limits_.cancel) thread_ = std::thread([this] { watch(); });
    }
    ~Watcher() {
      if (!thread_.joinable()) return;
      {
        std::lock_guard lock(mu_);
        done_ = true;
      }
      cv_.notify_one();
      thread_.join();
    }

   private:
    void watch() {
      std::unique_lock lock(mu_);
      while (!done_) {
        if (phase_.limits_.cancel->load(std::memory_order_relaxed)) {
          phase_.cancel_all();
          return;
        }
        cv_.wait_for(lock, std::chrono::milliseconds(1));
      }
    }
    Phase& phase_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool done_ = false;
    std::thread thread_;
  };

  void cancel_all() {
    for (int e = 0; e < n_; ++e) runs_[e].cancel.store(true, std::memory_order_relaxed);
  }

  // Worker w: takes the next example in order and searches it with policies_[w].
  void work(int w) {
    Policy& policy = *policies_[w];
    for (int e = next_.fetch_add(1); e < n_; e = next_.fetch_add(1)) {
      try {
        search(e, policy);
      } catch (...) {
        std::lock_guard lock(mu_);
        if (!error_) error_ = std::current_exception();
        cancel_all();
      }
    }
  }

  void search(int e, Policy& policy) {
    ExampleRun& run = runs_[e];
    const Clock::time_point now = Clock::now();
    if (run.cancel.load(std::memory_order_relaxed) || now >= limits_.deadline ||
        (limits_.cancel && limits_.cancel->load(std::memory_order_relaxed)))
      return;
    SearchLimits l;
    l.max_nodes = node_budget_;
    l.cancel = &run.cancel;
    l.max_memory_bytes = limits_.max_memory_bytes;
    l.live_nodes = limits_.live_nodes;
    l.deadline = limits_.deadline;
    // Compare in double seconds: the deadline may be time_point::max().
    if (opts_.budget_s < std::chrono::duration<double>(limits_.deadline - now).count())
      l.deadline = now + std::chrono::duration_cast<Clock::duration>(
                             std::chrono::duration<double>(opts_.budget_s));
    const std::vector<Example> one{examples_[e]};
    // Isolated so that a policy waiting on TBB work never picks up another
    // PE search on this thread mid-search.
    const SearchResult r =
        tbb::this_task_arena::isolate([&] { return beam_search(one, policy, opts_.beam, l); });
    run.stats = r.stats;
    if (r.program) run.solution = score_solution(*r.program, e, examples_);
    finished(e);
  }

  // Records that search e finished and cancels the searches the phase no
  // longer needs.
  void finished(int e) {
    std::lock_guard lock(mu_);
    runs_[e].finished = true;
    const std::optional<PESolution>& s = runs_[e].solution;
    if (!opts_.deterministic_stop) {
      bool stop = s && s->score == 1.0;
      if (!stop && opts_.stop_when_covered) {
        std::vector<bool> covered(n_, false);
        for (int j = 0; j < n_; ++j)
          if (runs_[j].finished && runs_[j].solution)
            for (int i = 0; i < n_; ++i) covered[i] = covered[i] || runs_[j].solution->satisfied[i];
        stop = covers(covered);
      }
      if (stop) cancel_all();
      return;
    }
    // The sequential stop point is at most e if e solves everything, and at
    // most m if the finished searches up to m cover every example (the
    // sequential run would have those results, and maybe more, by then).
    int bound = bound_;
    if (s && s->score == 1.0) bound = std::min(bound, e);
    if (opts_.stop_when_covered) {
      std::vector<bool> covered(n_, false);
      for (int m = 0; m < bound; ++m) {
        if (runs_[m].finished && runs_[m].solution)
          for (int i = 0; i < n_; ++i) covered[i] = covered[i] || runs_[m].solution->satisfied[i];
        if (covers(covered)) {
          bound = m;
          break;
        }
      }
    }
    for (int j = bound + 1; j < bound_; ++j) runs_[j].cancel.store(true, std::memory_order_relaxed);
    bound_ = bound;
  }

  // Merges the searches' outcomes in example order (so thread count and
  // finishing order do not matter).
  PerExampleResult collect() {
    PerExampleResult r;
    r.per_example.resize(n_);
    std::vector<bool> covered(n_, false);
    std::vector<PESolution> kept;
    for (int e = 0; e < n_; ++e) r.per_example[e] = runs_[e].stats;
    for (int e = 0; e < n_; ++e) {
      if (opts_.deterministic_stop && e > bound_) break;
      r.stats += runs_[e].stats;
      const std::optional<PESolution>& s = runs_[e].solution;
      if (!s) continue;
      if (s->score == 1.0 && !r.full_solution) r.full_solution = s->program;
      for (int i = 0; i < n_; ++i) covered[i] = covered[i] || s->satisfied[i];
      const bool seen = std::any_of(kept.begin(), kept.end(),
                                    [&](const PESolution& k) { return k.program == s->program; });
      if (!seen) kept.push_back(*s);
      if (opts_.deterministic_stop &&
          (s->score == 1.0 || (opts_.stop_when_covered && covers(covered))))
        break;
    }
    std::stable_sort(kept.begin(), kept.end(), [](const PESolution& a, const PESolution& b) {
      return a.score > b.score;  // kept is in example order already
    });
    if (kept.size() > static_cast<std::size_t>(opts_.max_solutions))
      kept.resize(static_cast<std::size_t>(opts_.max_solutions));
    r.solutions = std::move(kept);
    return r;
  }

  const std::vector<Example>& examples_;
  std::span<Policy* const> policies_;
  const PerExampleOptions& opts_;
  const SearchLimits& limits_;
  const int n_;
  std::uint64_t node_budget_;
  std::unique_ptr<ExampleRun[]> runs_;
  std::atomic<int> next_{0};  // next example to search
  std::mutex mu_;             // guards finished flags, bound_, error_
  int bound_;  // deterministic_stop: the sequential stop point is <= bound_ (n_: none known)
  std::exception_ptr error_;
};

}  // namespace

PESolution score_solution(const Program& program, int example,
                          const std::vector<Example>& examples) {
  PESolution s;
  s.example = example;
  s.program = program;
  s.satisfied.resize(examples.size());
  int count = 0;
  for (std::size_t j = 0; j < examples.size(); ++j) {
    const Example& ex = examples[j];
    bool ok = inputs_match(program, ex.inputs);
    if (ok) {
      const RunResult r = run(program, ex.inputs);
      ok = r.status == EvalStatus::Ok && r.output == ex.output;
    }
    s.satisfied[j] = ok;
    count += ok;
  }
  s.score = examples.empty() ? 0.0 : static_cast<double>(count) / examples.size();
  return s;
}

PerExampleResult per_example_search(const std::vector<Example>& examples,
                                    std::span<Policy* const> policies,
                                    const PerExampleOptions& opts, const SearchLimits& limits) {
  validate(examples, policies, opts);
  return Phase(examples, policies, opts, limits).run();
}

}  // namespace npeps
