#pragma once
// Small, portable, seeded generators. SplitMix64 (Steele, Lea, Flood 2014) has a 64-bit state,
// passes BigCrush and gives the same stream on every platform, unlike std::*_distribution.
#include <cstdint>

namespace moelab::sim {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next_u64() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1) with 53 random bits.
  double next_double() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1]: safe for -log(u).
  double next_open_double() { return static_cast<double>((next_u64() >> 11) + 1) * 0x1.0p-53; }

 private:
  std::uint64_t state_;
};

// Independent streams from one run seed: stream ids name what the randomness is for.
inline std::uint64_t stream_seed(std::uint64_t run_seed, std::uint64_t stream_id) {
  SplitMix64 mix(run_seed ^ (0xD1B54A32D192ED03ull * (stream_id + 1)));
  return mix.next_u64();
}

enum class RngStream : std::uint64_t { routing = 1 };

}  // namespace moelab::sim
