#pragma once
// Seeded random numbers for workloads, written out so that streams are identical on every
// platform (std::*_distribution is implementation-defined). Transcendental functions come from
// libm (log, exp, cos, sqrt); glibc's are correctly rounded for these, other libms may differ in
// the last bit.
#include <cmath>
#include <cstdint>

namespace moelab::sim::workload_rng {

// SplitMix64 finaliser: a bijective 64-bit mixer (Steele, Lea, Flood 2014).
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Combine a running hash with one more word (order-sensitive).
constexpr std::uint64_t combine(std::uint64_t h, std::uint64_t word) {
  return mix64(h ^ mix64(word + 0x9E3779B97F4A7C15ULL));
}

// Independent stream seeds: derive_seed(seed, kArrivals), derive_seed(session_seed, index), ...
constexpr std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
  return combine(mix64(seed ^ 0x6A09E667F3BCC909ULL), stream);
}

// Stream tags (stable: changing them changes every generated workload).
enum Stream : std::uint64_t {
  kArrivals = 1,
  kPromptLengths = 2,
  kOutputLengths = 3,
  kContent = 4,
  kThinkTimes = 5,
  kTurns = 6,
  kDocumentLengths = 7,
  kDocumentChoice = 8,
  kPrefixChoice = 9,
};

// SplitMix64 generator: 64-bit state, passes BigCrush, trivially seedable.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next_u64() {
    state_ += 0x9E3779B97F4A7C15ULL;
    return mix64(state_);
  }
  // Uniform in [0, 1), 53 random bits.
  double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1): never 0 or 1, safe for log().
  double uniform_open() { return (static_cast<double>(next_u64() >> 11) + 0.5) * 0x1.0p-53; }
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

 private:
  std::uint64_t state_;
};

}  // namespace moelab::sim::workload_rng
