#include "models/checkpoint.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "model_test_util.h"
#include "models/trace.h"

namespace npeps {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

NetOutput run(PCCoderNet& net) {
  const Task t = test::make_task("LIST|INT|TAKE,1,0|SORT,0|ZIPWITH,+,2,3|SUM,4", 5, 9);
  const TaskTrace tr = build_trace(*t.program, t.examples);
  std::vector<PartialProgram> states;
  for (std::size_t i = 0; i < tr.steps.size(); ++i) states.push_back(tr.state(i));
  EncodedBatch b;
  encode_batch(states, b);
  NetOutput out;
  net.forward(b, out);
  return out;
}

// Expects CheckpointError whose message contains `needle`.
void expect_error(const std::string& path, const std::string& needle,
                  const NetOptions* expected = nullptr) {
  try {
    load_checkpoint(path, expected);
    FAIL() << "expected CheckpointError for " << path;
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::temp_dir("checkpoint");
    path_ = (dir_ / "net.ckpt").string();
    CheckpointHeader h;
    h.epoch = 3;
    h.step = 1234;
    h.metrics = {{"val_acc", 0.25}};
    save_checkpoint(path_, net_, h);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  std::string path_;
  PCCoderNet net_{test::tiny_net(), 21};
};

TEST_F(CheckpointTest, RoundTripGivesSameOutputsAndHeader) {
  LoadedModel m = load_checkpoint(path_);
  EXPECT_EQ(m.header.epoch, 3);
  EXPECT_EQ(m.header.step, 1234);
  EXPECT_EQ(m.header.dsl_version, kDslVersion);
  EXPECT_DOUBLE_EQ(m.header.metrics.at("val_acc").get<double>(), 0.25);
  EXPECT_FALSE(m.header.has_optimizer);
  EXPECT_TRUE(m.net.options() == test::tiny_net());
  const NetOutput a = run(net_), b = run(m.net);
  EXPECT_EQ(a.statement_logits, b.statement_logits);
  EXPECT_EQ(a.drop_logits, b.drop_logits);
  EXPECT_EQ(a.operator_logits, b.operator_logits);
  // A differently seeded net differs (the comparison above can fail).
  PCCoderNet other(test::tiny_net(), 22);
  EXPECT_NE(run(other).statement_logits, a.statement_logits);
  EXPECT_EQ(read_checkpoint_header(path_).step, 1234);
  const NetOptions expected = test::tiny_net();
  EXPECT_NO_THROW(load_checkpoint(path_, &expected));
}

// Shipped files store float16 weights: about half the size, loaded back as
// float32 with outputs within float16 rounding of the original.
TEST_F(CheckpointTest, Float16WeightsHalveTheFileAndKeepTheOutputs) {
  const std::string half = (dir_ / "half.ckpt").string();
  CheckpointHeader h;
  h.epoch = 3;
  h.float16 = true;
  save_checkpoint(half, net_, h);
  const auto full_size = std::filesystem::file_size(path_);
  const auto half_size = std::filesystem::file_size(half);
  EXPECT_LT(half_size, full_size * 6 / 10) << half_size << " vs " << full_size;
  EXPECT_FALSE(read_checkpoint_header(path_).float16);
  LoadedModel m = load_checkpoint(half);
  EXPECT_TRUE(m.header.float16);
  const NetOutput a = run(net_), b = run(m.net);
  ASSERT_EQ(a.statement_logits.size(), b.statement_logits.size());
  float worst = 0, scale = 0;
  for (std::size_t i = 0; i < a.statement_logits.size(); ++i) {
    worst = std::max(worst, std::abs(a.statement_logits[i] - b.statement_logits[i]));
    scale = std::max(scale, std::abs(a.statement_logits[i]));
  }
  EXPECT_GT(worst, 0.0f);  // the weights were rounded
  EXPECT_LT(worst, 0.01f * std::max(scale, 1.0f));
  // The loaded float32 network is deterministic.
  EXPECT_EQ(run(m.net).statement_logits, b.statement_logits);
}

TEST_F(CheckpointTest, MissingFile) { expect_error((dir_ / "nope.ckpt").string(), "cannot open"); }

TEST_F(CheckpointTest, NotACheckpoint) {
  write_file(path_, "{\"program\": \"LIST|SORT,0\"}\n");
  expect_error(path_, "not an npeps checkpoint");
}

TEST_F(CheckpointTest, TruncatedFiles) {
  const std::string bytes = read_file(path_);
  const std::size_t header_end = bytes.find('\n', bytes.find('\n') + 1) + 1;
  for (std::size_t len :
       {header_end / 2, header_end, header_end + 100, bytes.size() / 2, bytes.size() - 10}) {
    SCOPED_TRACE(len);
    write_file(path_, bytes.substr(0, len));
    expect_error(path_, "truncated");
  }
}

TEST_F(CheckpointTest, OtherArchitecture) {
  NetOptions other = test::tiny_net();
  other.hidden_dim = 17;
  expect_error(path_, "another architecture", &other);
  // A header that lies about the architecture: the weights do not fit.
  std::string bytes = read_file(path_);
  const std::size_t at = bytes.find("\"hidden_dim\":16");
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, 15, "\"hidden_dim\":17");
  write_file(path_, bytes);
  expect_error(path_, "shape");
}

TEST_F(CheckpointTest, OtherDslVersion) {
  std::string bytes = read_file(path_);
  const std::size_t at = bytes.find(kDslVersion);
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, std::string(kDslVersion).size(), "deepcoder-dsl-0");
  write_file(path_, bytes);
  expect_error(path_, "DSL version 'deepcoder-dsl-0'");
}

TEST(CheckpointSize, StoredValueCountMatchesTheNetwork) {
  NetOptions wide = test::tiny_net();
  wide.dense_layers = 5;
  wide.hidden_dim = 40;
  for (const NetOptions& o : {test::tiny_net(), wide, NetOptions{}}) {
    const PCCoderNet net(o, 1);
    EXPECT_EQ(stored_value_count(o), net.num_parameters() + 6) << to_json(o).dump();
  }
}

// Issue 12: a header with "hidden_dim": 999999999 made libtorch fail an
// allocation with a long stack trace. Absurd fields, and fields whose
// weights the file cannot hold, are refused by name before any allocation.
TEST_F(CheckpointTest, HeaderFieldsAreCheckedAgainstBoundsAndTheFileSize) {
  const std::string bytes = read_file(path_);
  const std::size_t at = bytes.find("\"hidden_dim\":16");
  ASSERT_NE(at, std::string::npos);
  auto with_hidden = [&](const std::string& value) {
    std::string b = bytes;
    b.replace(at, 15, "\"hidden_dim\":" + value);
    write_file(path_, b);
  };
  with_hidden("999999999");
  expect_error(path_, "architecture field 'hidden_dim' is 999999999, more than 65536");
  expect_error(path_, path_);
  with_hidden("60000");
  expect_error(path_, "the architecture needs");
  expect_error(path_, path_);
  EXPECT_THROW(read_checkpoint_header(path_), CheckpointError);
  with_hidden("-3");
  expect_error(path_, "'hidden_dim' is missing or not a positive integer");
}

// Issue 12: bytes flipped deep in the file gave a raw TorchScript parser
// error naming no file. Every flip either still loads (a flipped weight is
// undetectable) or fails with a CheckpointError that names the file.
TEST_F(CheckpointTest, FlippedBytesAnywhereGiveACheckpointErrorNamingTheFile) {
  const std::string bytes = read_file(path_);
  const std::size_t header_end = bytes.find('\n', bytes.find('\n') + 1) + 1;
  int refused = 0;
  // About 400 positions spread over the archive (one every 7 bytes before:
  // 17,000 loads, several of which allocated 20 GB or crashed in libtorch).
  const std::size_t step = std::max<std::size_t>(1, (bytes.size() - header_end) / 400);
  for (std::size_t i = header_end; i < bytes.size(); i += step) {
    std::string b = bytes;
    b[i] = static_cast<char>(b[i] ^ 0x5a);
    write_file(path_, b);
    try {
      load_checkpoint(path_);
    } catch (const CheckpointError& e) {
      ++refused;
      EXPECT_NE(std::string(e.what()).find(path_), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "byte " << i << ": not a CheckpointError: " << e.what();
    }
  }
  EXPECT_GT(refused, 0);
}

// The exact byte of the TorchScript code that crashed libtorch (a flip in
// a record's data; every record is CRC-checked now).
TEST_F(CheckpointTest, FlippedTorchScriptCodeIsRefused) {
  std::string bytes = read_file(path_);
  const std::size_t at = bytes.find("__parameters__");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 6] = static_cast<char>(bytes[at + 6] ^ 0x5a);
  write_file(path_, bytes);
  expect_error(path_, "fails its CRC-32 check");
  expect_error(path_, path_);
}

}  // namespace
}  // namespace npeps
