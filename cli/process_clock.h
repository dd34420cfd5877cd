// When this process started, on the steady clock: `npeps synth --timeout T`
// counts its budget from here, so start-up and model loading are in it.
#pragma once

#include <chrono>

namespace npeps::cli {

// From /proc (10 ms resolution); the time of the first call when /proc
// cannot be read.
std::chrono::steady_clock::time_point process_start();

}  // namespace npeps::cli
