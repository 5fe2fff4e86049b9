#pragma once
// The one random-number generator of the project and its one rule for independent streams.
// Written out (no std::*_distribution, whose output is implementation-defined) so a seed gives the
// same stream on every platform. Transcendental functions come from libm (log, exp, cos, sqrt,
// pow); glibc's are correctly rounded for these, other libms may differ in the last bit.
//
// Streams: a seed is never used twice for two purposes. A consumer derives one seed per purpose
// with derive_seed(seed, stream_tag) (and may derive again: derive_seed(derive_seed(s, tag), i)),
// then draws from Rng(derived). The workload streams that decide the simulator's results follow
// exactly these functions; tests/base pins their first outputs.
#include <cmath>
#include <cstdint>

namespace moelab {

inline constexpr std::uint64_t kGoldenGamma = 0x9E3779B97F4A7C15ULL;  // SplitMix64's increment

// SplitMix64's output function (Steele, Lea, Flood 2014): a bijective 64-bit mixer.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// The first output of a SplitMix64 generator seeded with x: a one-call 64-bit hash.
constexpr std::uint64_t splitmix64(std::uint64_t x) { return mix64(x + kGoldenGamma); }

// Fold one more word into a running hash (order-sensitive).
constexpr std::uint64_t hash_combine(std::uint64_t h, std::uint64_t word) { return mix64(h ^ splitmix64(word)); }

// The seed of stream `stream` under `seed`. Different streams (or seeds) give unrelated seeds.
constexpr std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
  return hash_combine(mix64(seed ^ 0x6A09E667F3BCC909ULL), stream);
}

// SplitMix64: 64-bit state, passes BigCrush, any seed is fine (derive it with derive_seed).
class Rng {
 public:
  explicit constexpr Rng(std::uint64_t seed) : state_(seed) {}

  constexpr std::uint64_t next_u64() {
    state_ += kGoldenGamma;
    return mix64(state_);
  }
  // Uniform in [0, 1): the top 53 bits.
  double uniform01() { return unit(next_u64()); }
  // Uniform in (0, 1): never 0 or 1, safe for log().
  double uniform_open() { return open_unit(next_u64()); }
  // Integer uniform in [0, n) by scaling a 53-bit uniform (bias < n / 2^53); n > 0.
  std::uint64_t below(std::uint64_t n) {
    const auto k = static_cast<std::uint64_t>(uniform01() * static_cast<double>(n));
    return k < n ? k : n - 1;
  }
  // Exponential with the given mean (inverse CDF).
  double exponential(double mean) { return -std::log(uniform_open()) * mean; }
  // Standard normal by Box-Muller (one value per pair of uniforms: no hidden cached state).
  double normal() {
    const double u1 = uniform_open();
    const double u2 = uniform01();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.14159265358979323846 * u2);
  }
  // Gamma(shape, scale = 1) by Marsaglia-Tsang (2000); shape < 1 via the boost
  // Gamma(a) = Gamma(a + 1) * U^(1/a).
  double gamma(double shape) {
    if (shape < 1.0) {
      const double g = gamma(shape + 1.0);
      return g * std::pow(uniform_open(), 1.0 / shape);
    }
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double x, v;
      do {
        x = normal();
        v = 1.0 + c * x;
      } while (v <= 0.0);
      v = v * v * v;
      const double u = uniform_open();
      if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
      if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
    }
  }

  // The maps from a 64-bit word to the unit interval (public so tests can reach both ends).
  static constexpr double unit(std::uint64_t word) { return static_cast<double>(word >> 11) * 0x1.0p-53; }
  // (k + 1/2) / 2^53 for the top 53 bits k. For k = 2^53 - 1 the sum rounds up to 2^53 (ties to
  // even), which would give exactly 1: that single word maps to the largest double below 1.
  static constexpr double open_unit(std::uint64_t word) {
    const double u = (static_cast<double>(word >> 11) + 0.5) * 0x1.0p-53;
    return u < 1.0 ? u : 0x1.fffffffffffffp-1;
  }

 private:
  std::uint64_t state_;
};

}  // namespace moelab
