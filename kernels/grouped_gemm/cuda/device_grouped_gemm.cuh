#pragma once
// Device copies of a grouped_gemm case, shared by the cuda variants: the inputs (A, B, m_offsets)
// once per case and input generation (shared_inputs.cuh), generated on the device from the case's
// counter seeds (no upload of B's gigabytes); the output C per variant, poisoned.
#include <memory>

#include "kernels/common/cuda/device_buffer.cuh"
#include "kernels/common/cuda/device_fill.cuh"
#include "kernels/common/cuda/shared_inputs.cuh"
#include "kernels/grouped_gemm/cases.hpp"

namespace moelab::kernels::grouped_gemm {

struct GroupedGemmInputs {
  cuda::DeviceBuffer<bf16> a, b;
  cuda::DeviceBuffer<std::int32_t> m_offsets;
};

inline std::shared_ptr<const GroupedGemmInputs> device_inputs(GroupedGemmCase& gc) {
  static cuda::SharedInputs<GroupedGemmInputs> cache;
  return cache.get(&gc, gc.input_generation(), [&gc] {
    gc.allocate();
    auto in = std::make_shared<GroupedGemmInputs>();
    in->a = cuda::DeviceBuffer<bf16>(gc.a.size());
    in->b = cuda::DeviceBuffer<bf16>(gc.b.size());
    in->m_offsets = cuda::DeviceBuffer<std::int32_t>(std::span<const std::int32_t>(gc.m_offsets.span()));
    cuda::device_fill_counter_bf16(in->a.as<std::uint16_t>(), in->a.size(), kInputLo, kInputHi, gc.a_seed());
    cuda::device_fill_counter_bf16(in->b.as<std::uint16_t>(), in->b.size(), kInputLo, kInputHi, gc.b_seed());
    CUDA_CHECK(cudaDeviceSynchronize());
    return std::shared_ptr<const GroupedGemmInputs>(std::move(in));
  });
}

struct DeviceGroupedGemm {
  std::shared_ptr<const GroupedGemmInputs> in;
  cuda::DeviceBuffer<bf16> c;
  GroupedGemmParams params;  // device pointers

  explicit DeviceGroupedGemm(GroupedGemmCase& gc) : in(device_inputs(gc)), c(gc.c.size()) {
    c.poison();
    params = gc.params();
    params.a = reinterpret_cast<const std::uint16_t*>(in->a.data());
    params.b = reinterpret_cast<const std::uint16_t*>(in->b.data());
    params.c = reinterpret_cast<std::uint16_t*>(c.data());
    params.m_offsets = in->m_offsets.data();
  }
};

}  // namespace moelab::kernels::grouped_gemm
