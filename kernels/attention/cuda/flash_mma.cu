// cuda.flash_mma: the Variant adapter for the tensor-core flash-attention-2 prefill
// (flash_mma_prefill.cuh; instantiations in flash_mma_prefill_d64.cu / _d128.cu).
#include "kernels/attention/cuda/device_cases.cuh"
#include "kernels/attention/cuda/flash_mma_prefill.cuh"
#include "kernels/attention/variants.hpp"

namespace moelab::kernels::attention {
namespace cuda_impl {

void set_flash_mma_smem_limit_d64();
void set_flash_mma_smem_limit_d128();

void prepare_flash_mma_prefill(int head_dim) {
  if (head_dim == 64) set_flash_mma_smem_limit_d64();
  else set_flash_mma_smem_limit_d128();
}

void launch_flash_mma_prefill(const PrefillParams& p, cudaStream_t stream) {
  if (p.head_dim == 64) launch_flash_mma_prefill_d<64>(p, stream);
  else launch_flash_mma_prefill_d<128>(p, stream);
}

}  // namespace cuda_impl

using namespace cuda_impl;

std::unique_ptr<Variant> make_cuda_flash_mma_prefill() {
  return std::make_unique<CudaVariant<PrefillCase, DevicePrefill>>(
      kPrefillOp, "flash_mma",
      "flash-attention-2 on mma.sync m16n8k16 bf16: 64x64 tiles, cp.async double buffering, causal tile skipping",
      [](const PrefillCase& c) { return c.shape().h.head_dim == 64 || c.shape().h.head_dim == 128; },
      [](DevicePrefill& d) -> std::function<void(cudaStream_t)> {
        const PrefillParams p = d.params;
        prepare_flash_mma_prefill(p.head_dim);
        return [p](cudaStream_t s) { launch_flash_mma_prefill(p, s); };
      });
}

}  // namespace moelab::kernels::attention
