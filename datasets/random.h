// Small, portable random helpers for the dataset generator: the same seed
// gives the same draws on every platform and standard library (unlike
// std::uniform_int_distribution, whose algorithm is unspecified).
#pragma once

#include <cstdint>
#include <random>

namespace npeps {

using Rng = std::mt19937_64;

// Uniform integer in [lo, hi] (lo <= hi), by multiply-shift (bias < 2^-50).
inline int uniform_int(Rng& rng, int lo, int hi) {
  const auto span = static_cast<unsigned __int128>(static_cast<std::uint64_t>(hi - lo) + 1);
  return lo + static_cast<int>((static_cast<unsigned __int128>(rng()) * span) >> 64);
}

// SplitMix64 finaliser: a bijective 64-bit mix, used to derive seeds.
inline std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Seed of an independent stream for (seed, a, b).
inline std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
  return mix64(mix64(mix64(seed) ^ a) ^ (b + 0x632be59bd9b4e019ull));
}

}  // namespace npeps
