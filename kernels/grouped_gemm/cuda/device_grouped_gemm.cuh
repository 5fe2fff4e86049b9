#pragma once
// Device copies of a grouped_gemm case's tensors, shared by the cuda variants.
#include <functional>
#include <memory>

#include "kernels/common/cuda/device_buffer.cuh"
#include "kernels/grouped_gemm/cases.hpp"

namespace moelab::kernels::grouped_gemm {

struct DeviceGroupedGemm {
  cuda::DeviceBuffer<bf16> a, b, c;
  cuda::DeviceBuffer<std::int32_t> m_offsets;
  GroupedGemmParams params;  // device pointers

  explicit DeviceGroupedGemm(GroupedGemmCase& gc)
      : a((gc.allocate(), std::span<const bf16>(gc.a.span()))),
        b(std::span<const bf16>(gc.b.span())),
        c(gc.c.size()),
        m_offsets(std::span<const std::int32_t>(gc.m_offsets.span())) {
    c.poison();
    params = gc.params();
    params.a = reinterpret_cast<const std::uint16_t*>(a.data());
    params.b = reinterpret_cast<const std::uint16_t*>(b.data());
    params.c = reinterpret_cast<std::uint16_t*>(c.data());
    params.m_offsets = m_offsets.data();
  }
};

}  // namespace moelab::kernels::grouped_gemm
