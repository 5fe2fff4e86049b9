#pragma once
// FP8 E4M3 ("e4m3fn", as NVIDIA's __nv_fp8_e4m3 and DeepGEMM use it): 1 sign, 4 exponent bits
// (bias 7), 3 mantissa bits; subnormals 2^-9 * m; no infinities; 0x7f / 0xff are NaN; the largest
// finite value is 448. Conversion from float rounds to nearest even and saturates to +-448
// (__NV_SATFINITE), NaN stays NaN. Every e4m3 value is exact in float and double, so a reference
// that decodes and multiplies in fp64 dequantises exactly.
// MOELAB_HOST_DEVICE: the same functions run in kernels (input generation on the device) and on the host.
#include <cstdint>
#include <cstring>

#include "kernels/common/host_device.hpp"

namespace moelab::kernels {

inline constexpr float kFp8E4m3Max = 448.0f;

MOELAB_HOST_DEVICE inline float fp8_e4m3_to_float(std::uint8_t code) {
  const bool negative = (code & 0x80u) != 0;
  const int exponent = (code >> 3) & 0xf;
  const int mantissa = code & 0x7;
  float v;
  if (exponent == 0xf && mantissa == 0x7) {
    const std::uint32_t nan_bits = 0x7fc00000u;
    std::memcpy(&v, &nan_bits, sizeof(v));
    return v;
  }
  if (exponent == 0) {
    v = static_cast<float>(mantissa) * (1.0f / 512.0f);  // subnormal: m * 2^-9
  } else {
    // (8 + m) * 2^(exponent - 10), built from the bits: exact.
    const std::uint32_t bits =
        static_cast<std::uint32_t>(exponent - 7 + 127) << 23 | static_cast<std::uint32_t>(mantissa) << 20;
    std::memcpy(&v, &bits, sizeof(v));
  }
  return negative ? -v : v;
}

MOELAB_HOST_DEVICE inline std::uint8_t fp8_e4m3_from_float(float x) {
  std::uint32_t u;
  std::memcpy(&u, &x, sizeof(u));
  const std::uint8_t sign = static_cast<std::uint8_t>((u >> 24) & 0x80u);
  const std::uint32_t magnitude = u & 0x7fffffffu;
  if (magnitude > 0x7f800000u) return static_cast<std::uint8_t>(sign | 0x7f);  // NaN
  float a;
  std::memcpy(&a, &magnitude, sizeof(a));
  if (a > kFp8E4m3Max) return static_cast<std::uint8_t>(sign | 0x7e);  // saturate (inf too)
  if (a < 1.0f / 64.0f) {
    // Subnormal range: m = a * 2^9 rounded to nearest even; m == 8 is the smallest normal (0x08).
    const float scaled = a * 512.0f;  // exact: a power-of-two scale of a value well inside float
    std::uint32_t m = static_cast<std::uint32_t>(scaled);
    const float rest = scaled - static_cast<float>(m);
    if (rest > 0.5f || (rest == 0.5f && (m & 1u))) ++m;
    return static_cast<std::uint8_t>(sign | m);
  }
  int exponent = static_cast<int>(magnitude >> 23) - 127;  // -6 .. 8
  std::uint32_t keep = (magnitude >> 20) & 0x7u;
  const std::uint32_t rest = magnitude & 0xfffffu, half = 0x80000u;
  if (rest > half || (rest == half && (keep & 1u))) ++keep;
  if (keep == 8u) {
    keep = 0;
    ++exponent;
  }
  return static_cast<std::uint8_t>(sign | static_cast<std::uint32_t>(exponent + 7) << 3 | keep);
}

}  // namespace moelab::kernels
