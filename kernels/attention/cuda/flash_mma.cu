// cuda.flash_mma (128-query blocks, FA2's shape) and cuda.flash_mma_b64 (64-query blocks): Variant
// adapters for the tensor-core flash-attention-2 prefill (flash_mma_prefill.cuh; one .cu per
// instantiation, flash_mma_prefill_d{64,128}_b{64,128}.cu).
#include "kernels/attention/cuda/device_cases.cuh"
#include "kernels/attention/cuda/flash_mma_prefill.cuh"
#include "kernels/common/variant.hpp"

namespace moelab::kernels::attention {
namespace cuda_impl {
namespace {

template <int MTiles>
std::unique_ptr<Variant> make_flash_mma(const char* name, const char* description) {
  return std::make_unique<CudaVariant<PrefillCase, DevicePrefill>>(
      kPrefillOp, name, description,
      [](const PrefillCase& c) { return c.shape().h.head_dim == 64 || c.shape().h.head_dim == 128; },
      [](DevicePrefill& d) -> std::function<void(cudaStream_t)> {
        const PrefillParams p = d.params;
        if (p.head_dim == 64) {
          set_flash_mma_smem_limit<64, MTiles>();
          return [p](cudaStream_t s) { launch_flash_mma_prefill<64, MTiles>(p, s); };
        }
        set_flash_mma_smem_limit<128, MTiles>();
        return [p](cudaStream_t s) { launch_flash_mma_prefill<128, MTiles>(p, s); };
      });
}

}  // namespace
}  // namespace cuda_impl

std::unique_ptr<Variant> make_attention_prefill_cuda_flash_mma() {
  return cuda_impl::make_flash_mma<2>(
      "flash_mma",
      "flash-attention-2 on mma.sync m16n8k16 bf16: 128x64 tiles (4 warps x 32 rows), cp.async double buffering, "
      "causal tile skipping");
}

std::unique_ptr<Variant> make_attention_prefill_cuda_flash_mma_b64() {
  return cuda_impl::make_flash_mma<1>(
      "flash_mma_b64", "as cuda.flash_mma with 64-query blocks (4 warps x 16 rows): fewer registers, more blocks");
}

}  // namespace moelab::kernels::attention
