#pragma once
// The counter-based fills of kernels/common/random_fill.hpp, run on the GPU: same (seed, i) ->
// same bits as the host fill, so a case's big inputs are generated where they are used instead of
// being filled on one host thread and uploaded once per variant.
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

namespace moelab::kernels::cuda {

void device_fill_counter_bf16(std::uint16_t* out, std::size_t n, float lo, float hi, std::uint64_t seed,
                              cudaStream_t stream = nullptr);
void device_fill_counter_fp8_e4m3(std::uint8_t* out, std::size_t n, float range, std::uint64_t seed,
                                  cudaStream_t stream = nullptr);
void device_fill_counter_scale(float* out, std::size_t n, float lo, float hi, std::uint64_t seed,
                               cudaStream_t stream = nullptr);

}  // namespace moelab::kernels::cuda
