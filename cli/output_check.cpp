#include "cli/output_check.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

namespace npeps::cli {
namespace {

// Once a write has failed and been reported, later checks of the same
// stream (the command's, then main's) fail without a second message.
bool reported = false;

bool report(const std::string& command, const std::string& name) {
  if (reported) return false;
  reported = true;
  const int err = errno;
  std::cerr << "npeps" << (command.empty() ? "" : " " + command) << ": cannot write " << name
            << ": " << (err ? std::strerror(err) : "write failed") << "\n";
  return false;
}

}  // namespace

bool flushed(std::ostream& out, const std::string& command, const std::string& name) {
  if (&out == &std::cout) return stdout_flushed(command);
  errno = 0;
  out.flush();
  return out.good() || report(command, name);
}

bool stdout_flushed(const std::string& command) {
  errno = 0;
  std::cout.flush();
  const bool ok = std::cout.good() && std::fflush(stdout) == 0 && !std::ferror(stdout);
  return ok || report(command, "standard output");
}

}  // namespace npeps::cli
