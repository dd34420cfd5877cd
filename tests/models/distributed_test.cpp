// Data-parallel training: slices, settings, and two processes on loopback
// that must reach the losses of one process with the same global batch.
#include "models/distributed.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "model_test_util.h"
#include "models/aggregator_trainer.h"
#include "models/checkpoint.h"
#include "models/pccoder_trainer.h"

extern char** environ;

namespace npeps {
namespace {

TEST(Distributed, RankSlicesTileTheBatchAndDifferByAtMostOne) {
  for (std::int64_t n : {0, 1, 5, 8, 100, 101})
    for (int world : {1, 2, 3, 7}) {
      std::int64_t next = 0, lo = n, hi = 0;
      for (int r = 0; r < world; ++r) {
        const Slice s = rank_slice(n, r, world);
        EXPECT_EQ(s.begin, next) << n << " " << world << " " << r;
        next += s.size;
        lo = std::min(lo, s.size);
        hi = std::max(hi, s.size);
      }
      EXPECT_EQ(next, n);
      EXPECT_LE(hi - lo, 1);
    }
  EXPECT_EQ(rank_slice(5, 0, 2).size, 3);  // the first ranks take the extra items
  EXPECT_EQ(rank_slice(5, 1, 2).begin, 3);
}

TEST(Distributed, SettingsFromTheEnvironment) {
  ::setenv("RANK", "1", 1);
  ::setenv("WORLD_SIZE", "3", 1);
  ::setenv("MASTER_ADDR", "node7", 1);
  ::setenv("MASTER_PORT", "4242", 1);
  DistributedOptions d = DistributedOptions::from_environment();
  EXPECT_EQ(d.rank, 1);
  EXPECT_EQ(d.world_size, 3);
  EXPECT_EQ(d.master_addr, "node7");
  EXPECT_EQ(d.master_port, 4242);
  EXPECT_TRUE(d.enabled());
  ::setenv("WORLD_SIZE", "two", 1);
  EXPECT_THROW(DistributedOptions::from_environment(), DistributedError);
  for (const char* v : {"RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"}) ::unsetenv(v);
  d = DistributedOptions::from_environment();
  EXPECT_EQ(d.world_size, 1);
  EXPECT_FALSE(d.enabled());
  EXPECT_EQ(make_process_group(d), nullptr);  // one process: no group
  d.world_size = 2;
  d.rank = 2;
  EXPECT_THROW(d.validate(), DistributedError);
  d.rank = 0;
  d.master_port = 70000;
  EXPECT_THROW(d.validate(), DistributedError);
}

// ------------------------------------------------ two processes vs one

// A free TCP port on loopback (bound, read, released).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error("no free port");
  ::close(fd);
  return ntohs(a.sin_port);
}

void write_data(const std::filesystem::path& path) {
  std::ofstream out(path);
  std::uint64_t seed = 300;
  for (int rep = 0; rep < 4; ++rep)
    for (const std::string& p : test::sample_programs())
      out << task_to_json(test::make_task(p, 5, seed++)).dump() << '\n';
}

// The same run for one process and for each rank; the global batch (7) does
// not divide evenly, so the two slices differ by one state.
TrainOptions ddp_options(const std::filesystem::path& dir, const std::string& tag, int epochs) {
  TrainOptions o;
  o.train_files = {(dir / "train.jsonl").string()};
  o.net = test::tiny_net();
  o.epochs = epochs;
  o.batch_size = 7;
  o.learning_rate = 5e-3;
  o.lr_decay_every = 2;
  o.validation_fraction = 0.25;
  o.checkpoint_path = (dir / (tag + ".ckpt")).string();
  o.log_path = (dir / (tag + ".log")).string();
  o.progress_every = 1;
  o.use_cuda = false;
  o.resume = true;
  // Running mean of the training loss after every step (rank 0 only).
  const std::string steps = (dir / (tag + ".steps")).string();
  o.progress = [steps](const TrainProgress& p) {
    if (p.epoch_end) return;
    std::ofstream(steps, std::ios::app) << p.epoch << ' ' << p.batch << ' ' << p.train_loss << '\n';
  };
  return o;
}

// Aggregator instances (each sample program three times) and the frozen
// encoders they need.
void write_aggregator_data(const std::filesystem::path& dir) {
  save_checkpoint((dir / "g.ckpt").string(), PCCoderNet(test::tiny_net(), 3), CheckpointHeader{});
  save_checkpoint((dir / "pe.ckpt").string(), PCCoderNet(test::tiny_net(), 4), CheckpointHeader{});
  std::ofstream f(dir / "inst.jsonl");
  int i = 0;
  for (int rep = 0; rep < 3; ++rep)
    for (const std::string& prog : test::sample_programs()) {
      const Task t = test::make_task(prog, 3, 40 + i);
      std::string id = "t";  // not "t" + to_string: GCC 12 warns (-Wrestrict, a false positive)
      id += std::to_string(i++);
      f << test::aggregator_instance_line(t, prog, id) << "\n";
    }
}

// Global batch 5 instances: slices of 3 and 2, of different query counts.
AggregatorTrainOptions aggregator_options(const std::filesystem::path& dir, const std::string& tag,
                                          int epochs) {
  AggregatorTrainOptions o;
  o.data_files = {(dir / "inst.jsonl").string()};
  o.validation_fraction = 0.25;
  o.global_checkpoint = (dir / "g.ckpt").string();
  o.pe_checkpoint = (dir / "pe.ckpt").string();
  o.model = test::tiny_aggregator();
  o.epochs = epochs;
  o.batch_size = 5;
  o.learning_rate = 1e-2;
  o.use_cuda = false;
  o.checkpoint_path = (dir / (tag + ".ckpt")).string();
  o.log_path = (dir / (tag + ".log")).string();
  o.progress_every = 1;
  o.resume = true;
  const std::string steps = (dir / (tag + ".steps")).string();
  o.progress = [steps](const AggregatorTrainProgress& p) {
    if (p.epoch_end) return;
    std::ofstream(steps, std::ios::app) << p.epoch << ' ' << p.batch << ' ' << p.train_loss << '\n';
  };
  return o;
}

std::vector<std::vector<double>> read_numbers(const std::filesystem::path& path) {
  std::vector<std::vector<double>> rows;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    std::istringstream ss(line);
    rows.emplace_back();
    for (double x; ss >> x;) rows.back().push_back(x);
  }
  return rows;
}

std::vector<nlohmann::json> read_log(const std::filesystem::path& path) {
  std::vector<nlohmann::json> rows;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) rows.push_back(nlohmann::json::parse(line));
  return rows;
}

// Runs this test binary's worker test as `rank` of 2; its output goes to
// <dir>/rank<R>.out.
pid_t spawn_worker(const std::filesystem::path& dir, const std::string& kind, int rank, int port_a,
                   int port_b) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string v = *e;
    if (v.rfind("RANK=", 0) && v.rfind("WORLD_SIZE=", 0) && v.rfind("MASTER_", 0)) env.push_back(v);
  }
  env.push_back("NPEPS_DDP_TEST_DIR=" + dir.string());
  env.push_back("NPEPS_DDP_TEST_KIND=" + kind);
  env.push_back("NPEPS_DDP_TEST_PORTS=" + std::to_string(port_a) + " " + std::to_string(port_b));
  env.push_back("RANK=" + std::to_string(rank));
  env.push_back("WORLD_SIZE=2");
  env.push_back("MASTER_ADDR=127.0.0.1");
  std::vector<char*> envp;
  for (std::string& v : env) envp.push_back(v.data());
  envp.push_back(nullptr);
  std::string exe = std::filesystem::read_symlink("/proc/self/exe").string();
  std::string filter = "--gtest_filter=DistributedWorker.DISABLED_TrainsAsOneRank";
  std::string also = "--gtest_also_run_disabled_tests";
  char* argv[] = {exe.data(), filter.data(), also.data(), nullptr};
  const std::string out = (dir / ("rank" + std::to_string(rank) + ".out")).string();
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = -1;
  const int err = posix_spawn(&pid, exe.c_str(), &fa, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (err != 0) throw std::runtime_error("posix_spawn failed");
  return pid;
}

// Waits for the workers; kills them all after `timeout`. Exit statuses.
std::vector<int> wait_all(const std::vector<pid_t>& pids, std::chrono::seconds timeout) {
  std::vector<int> status(pids.size(), -1);
  std::vector<bool> done(pids.size(), false);
  const auto end = std::chrono::steady_clock::now() + timeout;
  for (std::size_t left = pids.size(); left > 0;) {
    for (std::size_t i = 0; i < pids.size(); ++i) {
      int st = 0;
      if (!done[i] && ::waitpid(pids[i], &st, WNOHANG) == pids[i]) {
        done[i] = true;
        --left;
        status[i] = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      }
    }
    if (left == 0) break;
    if (std::chrono::steady_clock::now() > end) {
      for (std::size_t i = 0; i < pids.size(); ++i)
        if (!done[i]) ::kill(pids[i], SIGKILL), ::waitpid(pids[i], nullptr, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return status;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A rank of the two-process run (spawned by TwoProcessesReachTheLossesOfOne):
// one epoch, then a resume to three, each with its own rendezvous.
TEST(DistributedWorker, DISABLED_TrainsAsOneRank) {
  const char* dir = std::getenv("NPEPS_DDP_TEST_DIR");
  const char* ports = std::getenv("NPEPS_DDP_TEST_PORTS");
  const char* kind = std::getenv("NPEPS_DDP_TEST_KIND");
  ASSERT_TRUE(dir && ports && kind) << "run by the Distributed tests";
  int port_a = 0, port_b = 0;
  std::istringstream(ports) >> port_a >> port_b;
  for (auto [epochs, port] : {std::pair{1, port_a}, std::pair{3, port_b}}) {
    DistributedOptions d = DistributedOptions::from_environment();
    d.master_port = port;
    d.timeout_s = 60;
    if (std::string(kind) == "aggregator") {
      AggregatorTrainOptions o = aggregator_options(dir, "two", epochs);
      o.distributed = d;
      const AggregatorTrainReport r = train_aggregator(o);
      EXPECT_EQ(r.world_size, 2);
      EXPECT_EQ(r.epochs_done, epochs);
    } else {
      TrainOptions o = ddp_options(dir, "two", epochs);
      o.distributed = d;
      const TrainReport r = train(o);
      EXPECT_EQ(r.world_size, 2);
      EXPECT_EQ(r.epochs_done, epochs);
    }
  }
}

// Runs both ranks of `kind` (the one-process run `single` meanwhile) and
// compares: the running training loss after every step and every epoch's
// losses, within 1e-4 relative. The two ranks sum their slices' gradients
// in another order than one process sums the batch's, so float rounding
// differs; nothing else may.
void expect_same_run(const std::filesystem::path& dir, const std::string& kind,
                     const std::function<void()>& single,
                     const std::vector<std::string>& loss_keys) {
  const int port_a = free_port();
  int port_b = free_port();
  while (port_b == port_a) port_b = free_port();
  const std::vector<pid_t> pids = {spawn_worker(dir, kind, 0, port_a, port_b),
                                   spawn_worker(dir, kind, 1, port_a, port_b)};
  single();
  const std::vector<int> status = wait_all(pids, std::chrono::seconds(120));
  for (int r = 0; r < 2; ++r)
    ASSERT_EQ(status[r], 0) << "rank " << r << ":\n"
                            << slurp(dir / ("rank" + std::to_string(r) + ".out"));

  const double tol = 1e-4;
  auto near = [tol](double a, double b) {
    return std::abs(a - b) <= tol * std::max(1.0, std::abs(a));
  };
  const auto steps_one = read_numbers(dir / "one.steps");
  const auto steps_two = read_numbers(dir / "two.steps");
  ASSERT_EQ(steps_one.size(), steps_two.size());
  ASSERT_GE(steps_one.size(), 9u);
  for (std::size_t i = 0; i < steps_one.size(); ++i) {
    ASSERT_EQ(steps_one[i].size(), 3u);
    ASSERT_EQ(steps_two[i].size(), 3u);
    EXPECT_EQ(steps_one[i][1], steps_two[i][1]);
    EXPECT_PRED2(near, steps_one[i][2], steps_two[i][2]) << "step record " << i;
  }
  const auto log_one = read_log(dir / "one.log"), log_two = read_log(dir / "two.log");
  ASSERT_EQ(log_one.size(), 3u);
  ASSERT_EQ(log_two.size(), 3u);  // rank 0 alone logs; the resumed run appends
  for (std::size_t e = 0; e < 3; ++e) {
    EXPECT_EQ(log_two[e].at("processes"), 2);
    for (const char* part : {"train", "val"}) {
      EXPECT_EQ(log_one[e].at(part).at("states"), log_two[e].at(part).at("states"));
      for (const std::string& k : loss_keys)
        EXPECT_PRED2(near, log_one[e].at(part).at(k).get<double>(),
                     log_two[e].at(part).at(k).get<double>())
            << "epoch " << e + 1 << " " << part << " " << k;
    }
  }
}

TEST(Distributed, TwoProcessesReachTheLossesOfOne) {
  if (!distributed_available()) GTEST_SKIP() << "built without Gloo (libgloo-dev)";
  const std::filesystem::path dir = test::temp_dir("distributed");
  write_data(dir / "train.jsonl");
  TrainReport one;
  expect_same_run(dir, "pccoder", [&] { one = train(ddp_options(dir, "one", 3)); },
                  {"loss", "statement_loss", "drop_loss", "operator_loss"});
  EXPECT_GT(one.last_val.states, 0u);
  EXPECT_EQ(read_log(dir / "one.log").back().at("step"),
            read_log(dir / "two.log").back().at("step"));
  std::filesystem::remove_all(dir);
}

TEST(Distributed, AggregatorTwoProcessesReachTheLossesOfOne) {
  if (!distributed_available()) GTEST_SKIP() << "built without Gloo (libgloo-dev)";
  const std::filesystem::path dir = test::temp_dir("distributed_aggregator");
  write_aggregator_data(dir);
  AggregatorTrainReport one;
  expect_same_run(dir, "aggregator",
                  [&] { one = train_aggregator(aggregator_options(dir, "one", 3)); },
                  {"loss", "statement_loss", "operator_loss"});
  EXPECT_GT(one.val_states, 0u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace npeps
