// Happens-before edges ThreadSanitizer cannot see on its own: Debian's
// libtbb is not instrumented, so TSan (make tsan) does not know that a task
// handed to a tbb::task_group sees what its spawner wrote before run(), nor
// that the thread returning from wait() sees what the task wrote. Both are
// guaranteed by TBB; these calls tell TSan. They compile to nothing in
// other builds.
#pragma once

#if defined(__SANITIZE_THREAD__)
#define NPEPS_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define NPEPS_TSAN 1
#endif
#endif

#ifdef NPEPS_TSAN
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
#endif

namespace npeps {

// The address the TBB hand-offs synchronise on. A fixed one, not the task's
// own data: a task must not read its captures before the acquire.
inline char tbb_handoff = 0;

// Call before handing work to TBB (and at a task's end) ...
inline void tsan_release([[maybe_unused]] void* sync) {
#ifdef NPEPS_TSAN
  __tsan_release(sync);
#endif
}

// ... and at the task's start (and after wait()), with the same address
// (&tbb_handoff).
inline void tsan_acquire([[maybe_unused]] void* sync) {
#ifdef NPEPS_TSAN
  __tsan_acquire(sync);
#endif
}

}  // namespace npeps
