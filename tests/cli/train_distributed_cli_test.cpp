// `npeps train` as two processes on loopback (environment variables and
// flags), and bad data-parallel settings exiting 2 with a message.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/common/temp_files.h"

namespace {

std::string temp_path(const std::string& name) {
  static const npeps::test_support::TempFiles files("cli_ddp");
  return files.path(name);
}

// Runs a shell command (60 s cap); its exit status.
int shell(const std::string& cmd) {
  const int st = std::system(("timeout 60 sh -c '" + cmd + "'").c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

const std::string kNpeps = NPEPS_BINARY_DIR "/cli/npeps";
const std::string kTiny = " --embedding 4 --dense-layers 2 --growth 8 --hidden 16 --threads 1";

TEST(CliTrainDistributed, TwoProcessesOnLoopback) {
  const std::string data = temp_path("train.jsonl"), out = temp_path("model.ckpt"),
                    log = temp_path("log.jsonl"), err = temp_path("err");
  ASSERT_EQ(shell(kNpeps + " generate --lengths 1-2 --programs 30 --seed 3 --out " + data +
                  " 2>/dev/null"),
            0);
  // A free port, chosen by the kernel.
  const std::string port =
      "$(python3 -c \"import socket; s=socket.socket(); s.bind((\\\"127.0.0.1\\\", 0)); "
      "print(s.getsockname()[1])\")";
  const std::string train = kNpeps + " train --data " + data + " --out " + out + " --log " + log +
                            " --epochs 2 --batch 9" + kTiny;
  // Rank 0 from the environment, rank 1 from the flags.
  const int status =
      shell("P=" + port + "; export MASTER_ADDR=127.0.0.1 MASTER_PORT=$P; RANK=0 " +
            "WORLD_SIZE=2 " + train + " 2>" + err + "0 & " + train + " --rank 1 --world-size 2 2>" +
            err + "1; r1=$?; wait $!; r0=$?; " + "exit $((r0 + r1))");
  if (status != 0 && slurp(err + "0").find("no data-parallel training") != std::string::npos)
    GTEST_SKIP() << "npeps built without Gloo (libgloo-dev)";
  ASSERT_EQ(status, 0) << slurp(err + "0") << slurp(err + "1");
  EXPECT_NE(slurp(err + "0").find("2 processes"), std::string::npos) << slurp(err + "0");
  EXPECT_EQ(slurp(err + "1"), "");  // rank 0 alone reports
  std::ifstream in(log);
  int lines = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j.at("processes"), 2);
    EXPECT_GT(j.at("train_states_per_s").get<double>(), 0);
  }
  EXPECT_EQ(lines, 2);
  for (const auto& p : {data, out, log, err + "0", err + "1"}) std::remove(p.c_str());
}

TEST(CliTrainDistributed, BadSettingsExitTwo) {
  const std::string err = temp_path("err");
  EXPECT_EQ(shell(kNpeps + " train --data x.jsonl --out m.ckpt --world-size 2 --rank 2 2>" + err),
            2);
  EXPECT_NE(slurp(err).find("rank 2"), std::string::npos) << slurp(err);
  EXPECT_EQ(shell("WORLD_SIZE=two " + kNpeps + " train --data x.jsonl --out m.ckpt 2>" + err), 2);
  EXPECT_NE(slurp(err).find("WORLD_SIZE"), std::string::npos) << slurp(err);
  EXPECT_EQ(shell(kNpeps + " train-aggregator --data x --global-model g --out a --world-size 2 " +
                  "--rank -1 2>" + err),
            2);
  std::remove(err.c_str());
}

}  // namespace
