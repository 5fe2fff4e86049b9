#pragma once
// Counter-based random inputs: element i of a tensor is a pure function of (seed, i), so a tensor
// can be filled in parallel on the host (parallel_for.hpp) and generated on the GPU
// (cuda/device_fill.cuh) with bit-identical results: the device never needs an upload of inputs
// that the host made, and the host holds the same values for the fp64 reference.
// The mixer is SplitMix64's finaliser (Steele, Lea, Flood 2014) over seed + i * golden ratio.
#include <cstdint>
#include <cstring>

#include "kernels/common/fp8_e4m3.hpp"
#include "kernels/common/host_device.hpp"

namespace moelab::kernels {

MOELAB_HOST_DEVICE inline std::uint64_t counter_bits(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t z = seed + (index + 1) * 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Uniform in [0, 1) with 24 random bits (exact in float).
MOELAB_HOST_DEVICE inline float counter_uniform01(std::uint64_t seed, std::uint64_t index) {
  return static_cast<float>(counter_bits(seed, index) >> 40) * (1.0f / 16777216.0f);
}

// bf16 bits of lo + (hi - lo) * u, rounded to nearest even; never exactly zero (a zero becomes
// the bf16 of hi / 256, so products never vanish by accident).
MOELAB_HOST_DEVICE inline std::uint16_t counter_bf16(std::uint64_t seed, std::uint64_t index, float lo, float hi) {
  float x = lo + (hi - lo) * counter_uniform01(seed, index);
  std::uint32_t u;
  std::memcpy(&u, &x, sizeof(u));
  u += 0x7fffu + ((u >> 16) & 1u);  // round to nearest even (inputs are finite)
  std::uint16_t b = static_cast<std::uint16_t>(u >> 16);
  if ((b & 0x7fffu) == 0) {
    x = hi / 256.0f;
    std::memcpy(&u, &x, sizeof(u));
    b = static_cast<std::uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
  }
  return b;
}

// An e4m3 code of a value uniform in [-range, range) (range <= 448), as a quantiser that maps a
// block's absolute maximum to 448 would produce from evenly spread data.
MOELAB_HOST_DEVICE inline std::uint8_t counter_fp8_e4m3(std::uint64_t seed, std::uint64_t index, float range) {
  return fp8_e4m3_from_float(range * (2.0f * counter_uniform01(seed, index) - 1.0f));
}

// A positive float scale in [lo, hi).
MOELAB_HOST_DEVICE inline float counter_scale(std::uint64_t seed, std::uint64_t index, float lo, float hi) {
  return lo + (hi - lo) * counter_uniform01(seed, index);
}

}  // namespace moelab::kernels
