// Per-process temporary files for tests, removed when the process exits.
//
// ctest runs every test in its own process, so names carry the process id;
// the files (or folders) a test makes under gtest's TempDir() with this
// prefix are deleted by the destructor of a function-local static, which
// runs at normal exit, so repeated test runs leave nothing behind:
//
//   std::string temp_path(const std::string& name) {
//     static const npeps::test_support::TempFiles files("cli");
//     return files.path(name);  // TempDir()/npeps_cli_<pid>_<name>
//   }
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace npeps::test_support {

class TempFiles {
 public:
  explicit TempFiles(const std::string& tag)
      : prefix_("npeps_" + tag + "_" + std::to_string(getpid()) + "_") {}
  TempFiles(const TempFiles&) = delete;
  TempFiles& operator=(const TempFiles&) = delete;
  ~TempFiles() {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(::testing::TempDir(), ec))
      if (entry.path().filename().string().rfind(prefix_, 0) == 0)
        std::filesystem::remove_all(entry.path(), ec);
  }
  std::string path(const std::string& name) const { return ::testing::TempDir() + prefix_ + name; }

 private:
  std::string prefix_;
};

}  // namespace npeps::test_support
