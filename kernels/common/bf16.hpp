#pragma once
// bfloat16 storage for host code: 1 sign, 8 exponent, 7 mantissa bits — the upper half of an
// IEEE float. Bit-compatible with CUDA's __nv_bfloat16 (cuda_bf16.h), so a host buffer of bf16
// can be copied to the device and read there as __nv_bfloat16.
#include <bit>
#include <cstdint>

namespace moelab::kernels {

struct bf16 {
  std::uint16_t bits = 0;
};
static_assert(sizeof(bf16) == 2);

// Round to nearest, ties to even (what cuda's __float2bfloat16_rn does). NaN stays a quiet NaN
// (sign kept); +-Inf and values that round past the largest finite bf16 become +-Inf.
constexpr bf16 to_bf16(float f) {
  std::uint32_t u = std::bit_cast<std::uint32_t>(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) {  // NaN: keep sign, force a quiet-NaN mantissa bit
    return bf16{static_cast<std::uint16_t>((u >> 16) | 0x0040u)};
  }
  const std::uint32_t lsb = (u >> 16) & 1u;  // ties go to the even result
  u += 0x7fffu + lsb;
  return bf16{static_cast<std::uint16_t>(u >> 16)};
}

constexpr float to_float(bf16 b) { return std::bit_cast<float>(static_cast<std::uint32_t>(b.bits) << 16); }

// The value a float takes after a round trip through bf16 (what a kernel storing bf16 keeps).
constexpr float round_to_bf16(float f) { return to_float(to_bf16(f)); }

constexpr bool is_finite(bf16 b) { return (b.bits & 0x7f80u) != 0x7f80u; }

// A quiet NaN; poisoning outputs with it makes an unwritten element fail every check.
inline constexpr bf16 bf16_quiet_nan{0x7fc0u};

}  // namespace moelab::kernels
