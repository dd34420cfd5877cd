// The result JSON object, shared by `npeps synth`, the C API and the
// Python module.
#include <cmath>
#include <nlohmann/json.hpp>

#include "npeps/synthesizer.h"

namespace npeps {

std::string to_json(const SynthesisResult& r) {
  nlohmann::json j;
  j["id"] = r.id;
  j["solved"] = r.solved;
  j["program"] = r.solved ? nlohmann::json(r.program) : nlohmann::json(nullptr);
  j["readable"] = r.solved ? nlohmann::json(r.readable) : nlohmann::json(nullptr);
  j["method"] = r.method;
  j["time_s"] = std::round(r.time_s * 1e4) / 1e4;
  j["stats"] = {{"nodes", r.nodes}, {"checks", r.checks}, {"model_calls", r.model_calls}};
  if (r.memory_capped) j["stats"]["memory_capped"] = true;
  if (!r.unsolvable.empty()) j["unsolvable"] = r.unsolvable;
  return j.dump();
}

}  // namespace npeps
