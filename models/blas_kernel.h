// OpenBLAS kernel selection at run time.
//
// Debian's OpenBLAS (0.3.21, DYNAMIC_ARCH) picks its kernels from the CPU
// model when it loads. On cloud VMs whose CPU reports a generic model it
// falls back to its Prescott (SSE3) kernels although the CPU has AVX2 or
// AVX-512, and torch then runs about 3x slower. npeps checks the choice
// before its first torch work (select_blas_kernel(), called by
// set_torch_threads() and the PCCoderNet constructor) and, when OpenBLAS's
// kernels are weaker than the CPU's features allow, re-selects them through
// OpenBLAS's own dynamic-arch entry points (gotoblas_dynamic_quit/init):
// SkylakeX on a CPU with AVX-512 (F, BW, DQ, VL, CD, enabled by the OS),
// Haswell with AVX2 + FMA, otherwise nothing changes. A recognised modern
// core (Haswell, Zen, SkylakeX, Cooperlake, SapphireRapids) is kept.
//
// The environment decides, read once:
// clang-format off
//   OPENBLAS_CORETYPE set        -> the user's choice is kept (unless
//                                   NPEPS_BLAS_CORE says otherwise)
//   NPEPS_BLAS_CORE=off          -> npeps never changes the kernels
//   NPEPS_BLAS_CORE=auto         -> the cpuid choice, even over OPENBLAS_CORETYPE
//   NPEPS_BLAS_CORE=<core name>  -> that core (e.g. Haswell)
// clang-format on
// Must run before other threads call BLAS; the first call does the work and
// later calls return its result.
#pragma once

#include <string>

namespace npeps {

// The core the CPU's features call for ("SkylakeX", "Haswell"), or "" when
// npeps leaves OpenBLAS's choice alone.
const char* preferred_blas_core();

// Applies the rule above once; returns what it did, e.g. "OpenBLAS chose
// Prescott; npeps selected Haswell (cpu: avx2 fma)".
const std::string& select_blas_kernel();

// The BLAS in use and its kernels, e.g. "OpenBLAS 0.3.21 ... core Haswell",
// or "not OpenBLAS" when torch uses another BLAS.
std::string blas_description();

}  // namespace npeps
