#pragma once
// Small device helpers shared by the attention kernels.
#include <cuda_bf16.h>

#include <cstdint>

namespace moelab::kernels::attention::cuda_impl {

__device__ __forceinline__ float bf16_to_float(std::uint16_t bits) {
  return __uint_as_float(std::uint32_t(bits) << 16);
}

// 8 consecutive bf16 (one 16-byte load) widened to fp32.
__device__ __forceinline__ void load8(const std::uint16_t* src, float* dst) {
  const uint4 raw = *reinterpret_cast<const uint4*>(src);
  const std::uint32_t w[4] = {raw.x, raw.y, raw.z, raw.w};
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    dst[2 * i] = __uint_as_float(w[i] << 16);
    dst[2 * i + 1] = __uint_as_float(w[i] & 0xffff0000u);
  }
}

template <int Width>
__device__ __forceinline__ float xor_sum(float x) {
#pragma unroll
  for (int m = Width / 2; m > 0; m /= 2) x += __shfl_xor_sync(0xffffffffu, x, m);
  return x;
}

}  // namespace moelab::kernels::attention::cuda_impl
