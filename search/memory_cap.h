// The memory cap (SearchLimits::max_memory_bytes, `--max-memory MB`): a
// search that would take this process's resident memory past it stops,
// with SearchStats::memory_capped set, instead of being killed by the OS.
//
// Only the beam search grows with its work (beams double up to 102,400
// entries); the enumerator's state is fixed (~15 KB) and needs no cap.
#pragma once

#include <cstddef>

namespace npeps {

// Resident memory of this process now, in bytes (0 when the platform does
// not tell: then no cap is enforced).
std::size_t resident_bytes();

// 3/4 of the machine's physical memory, in bytes: the default cap.
std::size_t default_memory_cap();

// Whether growing by `extra` bytes from the current resident size would
// pass `cap` bytes. A cap of 0 means none.
bool would_exceed_memory_cap(std::size_t cap, std::size_t extra);

// An upper bound on the bytes a beam search step holds per beam entry
// (slot values of the current and next beam, policy scores, candidates,
// trace), with `examples` examples and `width` candidates per entry (0 =
// every statement). The policy's own memory is not included: the resident
// size, read before every step, accounts for it.
std::size_t beam_entry_bytes(int examples, int width, int max_depth);

}  // namespace npeps
