#include "kernels/common/cuda/device_fill.cuh"

#include "kernels/common/counter_random.hpp"
#include "kernels/common/cuda/check.cuh"

namespace moelab::kernels::cuda {
namespace {

constexpr int kThreads = 256;

unsigned blocks_for(std::size_t n) {
  const std::size_t b = (n + kThreads - 1) / kThreads;
  return static_cast<unsigned>(b < 65535u * 32u ? (b > 0 ? b : 1) : 65535u * 32u);
}

__global__ void fill_bf16_kernel(std::uint16_t* out, std::size_t n, float lo, float hi, std::uint64_t seed) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    out[i] = counter_bf16(seed, i, lo, hi);
  }
}

__global__ void fill_fp8_kernel(std::uint8_t* out, std::size_t n, float range, std::uint64_t seed) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    out[i] = counter_fp8_e4m3(seed, i, range);
  }
}

__global__ void fill_scale_kernel(float* out, std::size_t n, float lo, float hi, std::uint64_t seed) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    out[i] = counter_scale(seed, i, lo, hi);
  }
}

}  // namespace

void device_fill_counter_bf16(std::uint16_t* out, std::size_t n, float lo, float hi, std::uint64_t seed,
                              cudaStream_t stream) {
  if (n == 0) return;
  fill_bf16_kernel<<<blocks_for(n), kThreads, 0, stream>>>(out, n, lo, hi, seed);
  CUDA_CHECK_LAUNCH();
}

void device_fill_counter_fp8_e4m3(std::uint8_t* out, std::size_t n, float range, std::uint64_t seed,
                                  cudaStream_t stream) {
  if (n == 0) return;
  fill_fp8_kernel<<<blocks_for(n), kThreads, 0, stream>>>(out, n, range, seed);
  CUDA_CHECK_LAUNCH();
}

void device_fill_counter_scale(float* out, std::size_t n, float lo, float hi, std::uint64_t seed, cudaStream_t stream) {
  if (n == 0) return;
  fill_scale_kernel<<<blocks_for(n), kThreads, 0, stream>>>(out, n, lo, hi, seed);
  CUDA_CHECK_LAUNCH();
}

}  // namespace moelab::kernels::cuda
