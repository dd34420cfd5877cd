// Lost output is an error: every npeps write goes through a stream whose
// state is checked after the write (a full disk, /dev/full, a closed pipe).
#pragma once

#include <ostream>
#include <string>

namespace npeps::cli {

// Flushes `out` and returns whether everything written to it so far
// reached the file. On failure prints "npeps CMD: cannot write NAME: REASON"
// to standard error (NAME is "standard output" or the file's name).
bool flushed(std::ostream& out, const std::string& command, const std::string& name);

// The same for std::cout and the C stdout underneath it.
bool stdout_flushed(const std::string& command);

}  // namespace npeps::cli
