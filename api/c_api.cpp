// The C API (include/npeps/npeps.h) over npeps::Synthesizer. Every entry
// point catches everything: no exception crosses into C.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <nlohmann/json.hpp>
#include <string>

#include "npeps/npeps.h"
#include "npeps/synthesizer.h"

struct npeps_synthesizer {
  explicit npeps_synthesizer(npeps::SynthesizerOptions options) : synth(std::move(options)) {}
  npeps::Synthesizer synth;
};

namespace {

using nlohmann::json;
using npeps::InvalidInput;

// A malloc'ed copy (the caller frees it with npeps_string_free), or NULL.
char* copy_string(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p != nullptr) std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

void set_error(char** error, const std::string& message) {
  if (error != nullptr) *error = copy_string(message);
}

double number(const std::string& key, const json& v) {
  if (!v.is_number()) throw InvalidInput("options: " + key + ": expected a number");
  return v.get<double>();
}

long long integer(const std::string& key, const json& v) {
  if (!v.is_number_integer()) throw InvalidInput("options: " + key + ": expected an integer");
  return v.get<long long>();
}

std::uint64_t unsigned_integer(const std::string& key, const json& v) {
  if (!v.is_number_unsigned())
    throw InvalidInput("options: " + key + ": expected a non-negative integer");
  return v.get<std::uint64_t>();
}

std::string string(const std::string& key, const json& v) {
  if (!v.is_string()) throw InvalidInput("options: " + key + ": expected a string");
  return v.get<std::string>();
}

// The options object of npeps_create; the keys are the `npeps synth` flags.
npeps::SynthesizerOptions options_from_json(const char* text) {
  npeps::SynthesizerOptions o;
  if (text == nullptr || *text == '\0') return o;
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) throw InvalidInput("options: not a JSON object");
  for (const auto& [key, v] : j.items()) {
    if (key == "method") {
      o.method = string(key, v);
    } else if (key == "timeout") {
      o.timeout_s = v.is_null() ? std::numeric_limits<double>::infinity() : number(key, v);
    } else if (key == "threads") {
      const long long t = integer(key, v);
      if (t < 1 || t > npeps::kMaxThreads)
        throw InvalidInput("threads must be in 1.." + std::to_string(npeps::kMaxThreads));
      o.threads = static_cast<int>(t);
    } else if (key == "model_dir") {
      o.model_dir = string(key, v);
    } else if (key == "max_nodes") {
      o.max_nodes = unsigned_integer(key, v);
    } else if (key == "max_memory") {
      o.max_memory_mb = unsigned_integer(key, v);
    } else if (key == "alpha") {
      o.npeps.alpha = number(key, v);
    } else if (key == "pe_budget") {
      o.npeps.pe_budget_s = number(key, v);
    } else if (key == "pe_solutions") {
      const long long n = integer(key, v);
      if (n < 1 || n > 1000000) throw InvalidInput("PE solutions must be at least 1");
      o.npeps.max_pe_solutions = static_cast<int>(n);
    } else {
      throw InvalidInput("options: unknown key '" + key +
                         "' (known: method, timeout, threads, model_dir, max_nodes, max_memory, "
                         "alpha, pe_budget, pe_solutions)");
    }
  }
  return o;
}

// Runs `f` (which returns a pointer); every exception becomes `*error` and
// NULL, so none crosses the C API.
template <class F>
auto guarded(char** error, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    set_error(error, "out of memory");
  } catch (const std::exception& e) {
    set_error(error, e.what());
  } catch (...) {
    set_error(error, "unknown error");
  }
  return nullptr;
}

}  // namespace

extern "C" {

npeps_synthesizer* npeps_create(const char* options_json, char** error) {
  if (error != nullptr) *error = nullptr;
  return guarded(error, [&] { return new npeps_synthesizer(options_from_json(options_json)); });
}

char* npeps_synthesize(npeps_synthesizer* synth, const char* task_json, char** error) {
  if (error != nullptr) *error = nullptr;
  if (synth == nullptr) {
    set_error(error, "npeps_synthesize: synthesizer is NULL");
    return nullptr;
  }
  if (task_json == nullptr) {
    set_error(error, "npeps_synthesize: task is NULL");
    return nullptr;
  }
  return guarded(error, [&] {
    char* result = copy_string(npeps::to_json(synth->synth.synthesize_json(task_json, "task")));
    if (result == nullptr) set_error(error, "out of memory");
    return result;
  });
}

void npeps_cancel(npeps_synthesizer* synth) {
  if (synth != nullptr) synth->synth.cancel();
}

void npeps_destroy(npeps_synthesizer* synth) { delete synth; }

void npeps_string_free(char* s) { std::free(s); }

const char* npeps_version(void) { return npeps::version(); }

}  // extern "C"
