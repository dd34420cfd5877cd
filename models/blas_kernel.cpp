#include "models/blas_kernel.h"

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>
#include <initializer_list>

namespace npeps {
namespace {

// libgcc's __builtin_cpu_supports checks that the OS enabled the AVX and
// AVX-512 register state too, not only the cpuid bits.
bool has_avx512() {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512cd");
}
bool has_avx2_fma() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }

std::string features() {
  return std::string("cpu: ") + (has_avx512() ? "avx512 " : "") +
         (has_avx2_fma() ? "avx2 fma" : "no avx2/fma");
}

bool one_of(const std::string& s, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (strcasecmp(s.c_str(), n) == 0) return true;
  return false;
}

// Whether OpenBLAS's current core is as good as `want` on this CPU.
bool good_enough(const std::string& current, const std::string& want) {
  if (one_of(current, {"SkylakeX", "Cooperlake", "SapphireRapids"})) return true;
  if (want == "SkylakeX") return false;
  return one_of(current, {"Haswell", "Zen"});
}

struct OpenBlas {
  char* (*corename)() = nullptr;
  char* (*config)() = nullptr;
  void (*dynamic_init)() = nullptr;
  void (*dynamic_quit)() = nullptr;
  OpenBlas() {
    corename = reinterpret_cast<char* (*)()>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
    config = reinterpret_cast<char* (*)()>(dlsym(RTLD_DEFAULT, "openblas_get_config"));
    dynamic_init = reinterpret_cast<void (*)()>(dlsym(RTLD_DEFAULT, "gotoblas_dynamic_init"));
    dynamic_quit = reinterpret_cast<void (*)()>(dlsym(RTLD_DEFAULT, "gotoblas_dynamic_quit"));
  }
};

std::string select_once() {
  const OpenBlas blas;
  if (!blas.corename) return "torch's BLAS is not OpenBLAS: left alone";
  const std::string before = blas.corename();
  const char* knob = std::getenv("NPEPS_BLAS_CORE");
  const std::string mode = knob ? knob : "";
  if (mode == "off") return "OpenBLAS chose " + before + "; NPEPS_BLAS_CORE=off";
  std::string want;
  if (mode.empty() || mode == "auto") {
    if (mode.empty() && std::getenv("OPENBLAS_CORETYPE"))
      return "OpenBLAS uses " + before + " (OPENBLAS_CORETYPE set by the user)";
    want = preferred_blas_core();
    if (want.empty() || good_enough(before, want))
      return "OpenBLAS chose " + before + "; kept (" + features() + ")";
  } else {
    want = mode;
  }
  if (!blas.dynamic_init || !blas.dynamic_quit)
    return "OpenBLAS chose " + before + "; not a DYNAMIC_ARCH build, cannot select " + want;
  // gotoblas_dynamic_init reads OPENBLAS_CORETYPE and calls the new core's
  // init (its blocking parameters); the work buffers do not depend on it.
  const char* user = std::getenv("OPENBLAS_CORETYPE");
  const std::string saved = user ? user : "";
  setenv("OPENBLAS_CORETYPE", want.c_str(), 1);
  blas.dynamic_quit();
  blas.dynamic_init();
  if (user)
    setenv("OPENBLAS_CORETYPE", saved.c_str(), 1);
  else
    unsetenv("OPENBLAS_CORETYPE");
  return "OpenBLAS chose " + before + "; npeps selected " + blas.corename() + " (" + features() +
         ")";
}

}  // namespace

const char* preferred_blas_core() {
  if (has_avx512()) return "SkylakeX";
  if (has_avx2_fma()) return "Haswell";
  return "";
}

const std::string& select_blas_kernel() {
  static const std::string what = select_once();
  return what;
}

std::string blas_description() {
  const OpenBlas blas;
  if (!blas.corename || !blas.config) return "not OpenBLAS";
  return std::string(blas.config()) + ", core " + blas.corename();
}

}  // namespace npeps
