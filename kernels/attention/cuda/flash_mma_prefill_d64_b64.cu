// Instantiation of the tensor-core prefill kernel: head_dim = 64, 64-query blocks.
#include "kernels/attention/cuda/flash_mma_prefill.cuh"
#include "kernels/common/cuda/check.cuh"
#include "kernels/common/cuda/launch.cuh"

namespace moelab::kernels::attention::cuda_impl {

template <>
void launch_flash_mma_prefill<64, 1>(const PrefillParams& p, cudaStream_t stream) {
  using C = FlashMmaConfig<64, 1>;
  const dim3 grid((p.max_seq_len + C::kBlockQ - 1) / C::kBlockQ, p.heads, p.batch);
  ::moelab::kernels::cuda::launch(flash_mma_prefill_kernel<64, 1>, grid, C::kThreads, C::kSmemBytes, stream, p);
}

template <>
void set_flash_mma_smem_limit<64, 1>() {
  CUDA_CHECK(cudaFuncSetAttribute(flash_mma_prefill_kernel<64, 1>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                  FlashMmaConfig<64, 1>::kSmemBytes));
}

}  // namespace moelab::kernels::attention::cuda_impl
