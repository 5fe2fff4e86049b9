// cuda.flash_wgmma: the FlashAttention-3-design prefill (flash_wgmma_prefill.cuh): TMA loads by a
// producer warpgroup, wgmma by two consumer warpgroups, mbarrier pipeline. head_dim 128.
#include <memory>
#include <stdexcept>
#include <string>

#include "kernels/attention/cuda/device_cases.cuh"
#include "kernels/attention/cuda/flash_wgmma_prefill.cuh"
#include "kernels/common/variant.hpp"

namespace moelab::kernels::attention {

std::unique_ptr<Variant> make_attention_prefill_cuda_flash_wgmma() {
  using namespace cuda_impl;
  return std::make_unique<CudaVariant<PrefillCase, DevicePrefill>>(
      kPrefillOp, "flash_wgmma",
      "FlashAttention-3 design on sm_90a: producer warpgroup issues TMA (128-byte swizzle, 2-stage K/V ring on "
      "mbarriers), 2 consumer warpgroups run wgmma m64n128k16 for QK^T (smem x smem) and PV (P from registers), "
      "setmaxnreg 40/232; head_dim 128",
      [](const PrefillCase& c) { return c.shape().h.head_dim == FlashWgmmaConfig::kD; },
      [](DevicePrefill& d) -> std::function<void(cudaStream_t)> {
        struct Maps {
          CUtensorMap q, k, v;
        };
        auto maps = std::make_shared<Maps>();
        std::string why;
        if (!make_flash_wgmma_tensor_maps(d.params, maps->q, maps->k, maps->v, why)) throw std::runtime_error(why);
        set_flash_wgmma_smem_limit();
        const PrefillParams p = d.params;
        return [p, maps](cudaStream_t s) { launch_flash_wgmma_prefill(p, maps->q, maps->k, maps->v, s); };
      });
}

}  // namespace moelab::kernels::attention
