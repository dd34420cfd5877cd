// The zip integrity check run on every checkpoint archive before libtorch
// reads it (models/archive_check.h).
#include "models/archive_check.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

namespace npeps {
namespace {

std::string shipped_archive() {
  std::ifstream in(NPEPS_SOURCE_DIR "/assets/models/pccoder.ckpt", std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const std::size_t header_end = bytes.find('\n', bytes.find('\n') + 1) + 1;
  return bytes.substr(header_end);
}

TEST(ArchiveCheck, Crc32OfTheStandardCheckString) {
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(crc32(""), 0u);
}

TEST(ArchiveCheck, ShippedModelsPass) {
  for (const char* name : {"pccoder", "pe", "aggregator", "aggregator_u"}) {
    std::ifstream in(std::string(NPEPS_SOURCE_DIR "/assets/models/") + name + ".ckpt",
                     std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const std::size_t header_end = bytes.find('\n', bytes.find('\n') + 1) + 1;
    EXPECT_EQ(archive_problem(std::string_view(bytes).substr(header_end)), "") << name;
  }
}

TEST(ArchiveCheck, EveryFlippedByteIsCaught) {
  const std::string archive = shipped_archive();
  ASSERT_GT(archive.size(), 100000u);
  // Every byte of a record's data is covered by its CRC, every byte of the
  // directories by the structure checks (a few, like timestamps, are not
  // read at all): sample the whole file.
  int caught = 0, total = 0;
  for (std::size_t i = 0; i < archive.size(); i += archive.size() / 200) {
    std::string a = archive;
    a[i] = static_cast<char>(a[i] ^ 0x01);
    ++total;
    caught += !archive_problem(a).empty();
  }
  EXPECT_GE(caught, total * 99 / 100) << caught << " of " << total;
}

TEST(ArchiveCheck, TruncationsAndGarbage) {
  const std::string archive = shipped_archive();
  for (std::size_t len : {std::size_t{0}, std::size_t{21}, archive.size() / 2, archive.size() - 1})
    EXPECT_NE(archive_problem(archive.substr(0, len)), "") << len;
  EXPECT_EQ(archive_problem("PK\x05\x06" + std::string(18, '\0')),
            "zip directory lists no records");
  EXPECT_EQ(archive_problem(std::string(100, 'x')), "no zip directory");
}

// Regression (make fuzz, 2026-12-01): a directory entry whose name is
// thousands of bytes of binary made a message as long; names in messages
// are now cut to 64 printable bytes.
TEST(ArchiveCheck, ALongBinaryRecordNameGivesAShortMessage) {
  std::ifstream in(NPEPS_SOURCE_DIR "/tests/data/fuzz/checkpoint-long-record-name.bin",
                   std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  ASSERT_GT(bytes.size(), 1000u);
  std::string_view archive(bytes);
  archive.remove_prefix(archive.find('\n', 19) + 1);  // the magic and header lines
  const std::string problem = archive_problem(archive);
  EXPECT_FALSE(problem.empty());
  EXPECT_LT(problem.size(), 300u) << problem.substr(0, 300);
  for (const char c : problem) EXPECT_TRUE(c >= ' ' && c <= '~') << int(c);
}

}  // namespace
}  // namespace npeps
