#pragma once
// Device copies of a grouped_gemm_fp8 case: inputs (A, B, their scales, m_offsets) generated on the
// device from the case's counter seeds once per case and input generation, shared by the cuda
// variants (shared_inputs.cuh); the bf16 output per variant, poisoned.
#include <memory>

#include "kernels/common/cuda/device_buffer.cuh"
#include "kernels/common/cuda/device_fill.cuh"
#include "kernels/common/cuda/shared_inputs.cuh"
#include "kernels/grouped_gemm/fp8_cases.hpp"

namespace moelab::kernels::grouped_gemm {

struct GroupedGemmFp8Inputs {
  cuda::DeviceBuffer<std::uint8_t> a, b;
  cuda::DeviceBuffer<float> a_scale, b_scale;
  cuda::DeviceBuffer<std::int32_t> m_offsets;
};

inline std::shared_ptr<const GroupedGemmFp8Inputs> device_inputs(GroupedGemmFp8Case& gc) {
  static cuda::SharedInputs<GroupedGemmFp8Inputs> cache;
  return cache.get(&gc, gc.input_generation(), [&gc] {
    gc.allocate();
    auto in = std::make_shared<GroupedGemmFp8Inputs>();
    in->a = cuda::DeviceBuffer<std::uint8_t>(gc.a.size());
    in->a_scale = cuda::DeviceBuffer<float>(gc.a_scale.size());
    in->b = cuda::DeviceBuffer<std::uint8_t>(gc.b.size());
    in->b_scale = cuda::DeviceBuffer<float>(gc.b_scale.size());
    in->m_offsets = cuda::DeviceBuffer<std::int32_t>(std::span<const std::int32_t>(gc.m_offsets.span()));
    cuda::device_fill_counter_fp8_e4m3(in->a.data(), in->a.size(), kFp8InputRange, gc.seed_of(0));
    cuda::device_fill_counter_scale(in->a_scale.data(), in->a_scale.size(), kFp8ScaleLo, kFp8ScaleHi, gc.seed_of(1));
    cuda::device_fill_counter_fp8_e4m3(in->b.data(), in->b.size(), kFp8InputRange, gc.seed_of(2));
    cuda::device_fill_counter_scale(in->b_scale.data(), in->b_scale.size(), kFp8ScaleLo, kFp8ScaleHi, gc.seed_of(3));
    CUDA_CHECK(cudaDeviceSynchronize());
    return std::shared_ptr<const GroupedGemmFp8Inputs>(std::move(in));
  });
}

struct DeviceGroupedGemmFp8 {
  std::shared_ptr<const GroupedGemmFp8Inputs> in;
  cuda::DeviceBuffer<bf16> c;
  GroupedGemmFp8Params params;  // device pointers

  explicit DeviceGroupedGemmFp8(GroupedGemmFp8Case& gc) : in(device_inputs(gc)), c(gc.c.size()) {
    c.poison();
    params = gc.params();
    params.a = in->a.data();
    params.a_scale = in->a_scale.data();
    params.b = in->b.data();
    params.b_scale = in->b_scale.data();
    params.c = reinterpret_cast<std::uint16_t*>(c.data());
    params.m_offsets = in->m_offsets.data();
  }
};

}  // namespace moelab::kernels::grouped_gemm
