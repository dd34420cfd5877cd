// INTERNAL to models/: keeping freed memory in the process.
//
// Every forward pass allocates and frees activation buffers of up to
// hundreds of MB (beams of thousands of states; training steps of the same
// sizes every step). With glibc's defaults the large ones are mmapped and
// unmapped each time and come back as fresh zeroed pages: perf showed 27%
// of a pccoder search in the kernel's clear_page. Serving them from the
// heap and never trimming it keeps the pages (the process stays at its peak
// size, which a search or a training reaches anyway).
#pragma once

namespace npeps {

// Process-wide, idempotent: called by the policy and the trainers before
// their first torch work.
void keep_freed_memory();

}  // namespace npeps
