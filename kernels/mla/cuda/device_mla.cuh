#pragma once
// Device copies of an mla.decode case: q and the latent cache generated on the device from the
// case's counter seeds, block table and lengths uploaded, once per case and input generation,
// shared by the cuda variants (shared_inputs.cuh); the fp32 output per variant, poisoned.
#include <memory>
#include <span>

#include "kernels/common/cuda/device_buffer.cuh"
#include "kernels/common/cuda/device_fill.cuh"
#include "kernels/common/cuda/shared_inputs.cuh"
#include "kernels/mla/cases.hpp"

namespace moelab::kernels::mla {

struct MlaInputs {
  cuda::DeviceBuffer<std::uint16_t> q, kv_cache;
  cuda::DeviceBuffer<std::int32_t> block_table, context_lens;
};

inline std::shared_ptr<const MlaInputs> device_inputs(MlaDecodeCase& mc) {
  static cuda::SharedInputs<MlaInputs> cache;
  return cache.get(&mc, mc.input_generation(), [&mc] {
    auto in = std::make_shared<MlaInputs>();
    in->q = cuda::DeviceBuffer<std::uint16_t>(mc.q.size());
    in->kv_cache = cuda::DeviceBuffer<std::uint16_t>(mc.kv_cache.size());
    in->block_table = cuda::DeviceBuffer<std::int32_t>(std::span<const std::int32_t>(mc.block_table));
    in->context_lens = cuda::DeviceBuffer<std::int32_t>(std::span<const std::int32_t>(mc.context_lens));
    cuda::device_fill_counter_bf16(in->q.data(), in->q.size(), kInputLo, kInputHi, mc.q_seed());
    cuda::device_fill_counter_bf16(in->kv_cache.data(), in->kv_cache.size(), kInputLo, kInputHi, mc.kv_seed());
    CUDA_CHECK(cudaDeviceSynchronize());
    return std::shared_ptr<const MlaInputs>(std::move(in));
  });
}

struct DeviceMlaDecode {
  std::shared_ptr<const MlaInputs> in;
  cuda::DeviceBuffer<float> out;
  MlaDecodeParams params;

  explicit DeviceMlaDecode(MlaDecodeCase& mc) : in(device_inputs(mc)), out(mc.out.size()) {
    out.poison();
    params = mc.params();
    params.q = in->q.data();
    params.kv_cache = in->kv_cache.data();
    params.block_table = in->block_table.data();
    params.context_lens = in->context_lens.data();
    params.out = out.data();
  }
};

}  // namespace moelab::kernels::mla
