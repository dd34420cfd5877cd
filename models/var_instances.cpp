#include "models/var_instances.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>

namespace npeps {
namespace {

// Odd multipliers, one per token position (splitmix64's outputs).
constexpr std::array<std::uint64_t, kSlotWidth> kPositionMul = [] {
  std::array<std::uint64_t, kSlotWidth> m{};
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  for (auto& v : m) {
    x += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    v = (z ^ (z >> 31)) | 1;
  }
  return m;
}();

// A sum of independent products (no chain from one token to the next, so
// the loop vectorises), then mixed. Instance ids do not depend on it: they
// are given in order of first appearance.
template <class Token>
std::uint64_t hash_tokens(const Token* t) {
  std::uint64_t h = 0;
  for (int i = 0; i < kSlotWidth; ++i) h += static_cast<std::uint64_t>(t[i]) * kPositionMul[i];
  h ^= h >> 31;
  h *= 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 29);
}

template <class Token>
void build(const Token* tokens, const std::int64_t* counts, std::int64_t batch,
           std::int64_t examples, VarInstances& out) {
  // Real rows, and where each starts in `tokens`.
  std::vector<const Token*> row_tokens;
  row_tokens.reserve(static_cast<std::size_t>(batch * examples));
  out.row_state.clear();
  for (std::int64_t b = 0; b < batch; ++b) {
    const std::int64_t n = counts[b];
    if (n < 1 || n > examples)
      throw std::invalid_argument("state example count out of range: " + std::to_string(n));
    for (std::int64_t e = 0; e < n; ++e) {
      row_tokens.push_back(tokens + (b * examples + e) * kStateWidth);
      out.row_state.push_back(b);
    }
  }
  out.rows = static_cast<std::int64_t>(row_tokens.size());
  out.row_instances.assign(static_cast<std::size_t>(out.rows * kStateVars), 0);
  out.table_rows.clear();

  // One open-addressing table per slot, reused: instance ids (-1 = empty).
  const std::size_t cap = std::bit_ceil(static_cast<std::size_t>(2 * out.rows + 2));
  std::vector<std::int64_t> slot_table(cap);
  std::vector<const Token*> inst_tokens;
  std::int64_t next = 0;
  for (int v = 0; v < kStateVars; ++v) {
    out.slot_start[v] = next;
    std::fill(slot_table.begin(), slot_table.end(), -1);
    for (std::int64_t r = 0; r < out.rows; ++r) {
      const Token* t = row_tokens[r] + v * kSlotWidth;
      std::size_t at = hash_tokens(t) & (cap - 1);
      std::int64_t id = -1;
      while (slot_table[at] >= 0) {
        const std::int64_t cand = slot_table[at];
        if (std::memcmp(inst_tokens[cand], t, sizeof(Token) * kSlotWidth) == 0) {
          id = cand;
          break;
        }
        at = (at + 1) & (cap - 1);
      }
      if (id < 0) {
        id = next++;
        slot_table[at] = id;
        inst_tokens.push_back(t);
      }
      out.row_instances[r * kStateVars + v] = id;
    }
  }
  out.slot_start[kStateVars] = next;

  out.table_rows.resize(static_cast<std::size_t>(next * kSlotWidth));
  for (std::int64_t u = 0; u < next; ++u) {
    const Token* t = inst_tokens[u];
    std::int64_t* o = out.table_rows.data() + u * kSlotWidth;
    if (t[0] < 0 || t[0] > 2) throw std::invalid_argument("bad variable type code");
    o[0] = kTypeRowBase + t[0];
    for (int j = 0; j < kMaxListLength; ++j) {
      const std::int64_t x = t[1 + j];
      if (x < 0 || x >= kNumValueTokens) throw std::invalid_argument("bad value token");
      o[1 + j] = x * kMaxListLength + j;
    }
  }
}

}  // namespace

void build_var_instances(const std::int64_t* tokens, const std::int64_t* counts, std::int64_t batch,
                         std::int64_t examples, VarInstances& out) {
  build(tokens, counts, batch, examples, out);
}

void build_var_instances(const std::int16_t* tokens, const std::int64_t* counts, std::int64_t batch,
                         std::int64_t examples, VarInstances& out) {
  build(tokens, counts, batch, examples, out);
}

}  // namespace npeps
