#pragma once
// Seeded, platform-independent random inputs for kernel cases. SplitMix64 drives everything and
// the distributions are written out (no std::*_distribution), so a seed gives the same bits on
// every compiler and standard library. Fills never produce exact zeros: an all-zero (or
// zero-heavy) input hides indexing bugs, and a zero output cannot tell "written" from "cleared".
#include <cstdint>
#include <span>

#include "kernels/common/bf16.hpp"

namespace moelab::kernels {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, n) (n > 0); the bias of the multiply-shift is below 2^-32 for n < 2^32.
  std::uint64_t below(std::uint64_t n) { return static_cast<std::uint64_t>(uniform01() * static_cast<double>(n)); }

 private:
  std::uint64_t state_;
};

// An independent seed for stream `stream` of a run seeded with `base` (cases, tensors, bootstrap).
std::uint64_t derive_seed(std::uint64_t base, std::uint64_t stream);

// Uniform in [lo, hi); an exact 0 is replaced by (lo + hi) / 2 or hi / 2 when that is 0 too.
void fill_uniform(std::span<float> out, float lo, float hi, std::uint64_t seed);
void fill_uniform(std::span<double> out, double lo, double hi, std::uint64_t seed);
// Uniform, then rounded to bf16 (values that round to 0 are replaced as above).
void fill_uniform(std::span<bf16> out, float lo, float hi, std::uint64_t seed);

// Normal(mean, stddev) by Box-Muller on uniform doubles; exact zeros replaced by stddev / 64.
void fill_normal(std::span<float> out, float mean, float stddev, std::uint64_t seed);
void fill_normal(std::span<bf16> out, float mean, float stddev, std::uint64_t seed);

}  // namespace moelab::kernels
