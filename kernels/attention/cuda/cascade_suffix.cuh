#pragma once
// The suffix pass and the launch of the suffix + combine steps shared by the cascade-decode
// variants (cuda.cascade_decode: CUDA-core prefix pass; cuda.cascade_mma: tensor-core prefix
// pass). Layout of the partials: [batch * heads, n_slots, D], the prefix chunks in slots
// 0 .. n_slots-2, each query's own suffix in slot n_slots-1; lse in the log2 domain.
#include <cuda_runtime.h>

#include "kernels/attention/cuda/decode_split.cuh"
#include "kernels/attention/params.hpp"
#include "kernels/common/cuda/launch.cuh"

namespace moelab::kernels::attention::cuda_impl {

// Each query's own suffix (contiguous K/V rows cu_suffix[b]..cu_suffix[b+1]) into slot n_slots-1.
template <int D, int G>
__global__ void __launch_bounds__(kDecodeThreads)
    cascade_suffix_kernel(CascadeDecodeParams p, int n_slots, float* partial_o, float* partial_lse) {
  const int hk = blockIdx.y, b = blockIdx.z;
  const int group = p.heads / p.kv_heads;
  const int kv_heads = p.kv_heads;
  auto kv_offset = [=](int t) { return (std::size_t(t) * kv_heads + hk) * D; };
  const std::size_t row0 = std::size_t(b) * p.heads + std::size_t(hk) * group;
  const int slot = n_slots - 1;
  const SplitDest dst{partial_o + (row0 * n_slots + slot) * D, std::size_t(n_slots) * D,
                      partial_lse + row0 * n_slots + slot, std::size_t(n_slots)};
  decode_split<D, G>(p.q + row0 * D, group, p.k_suffix, p.v_suffix, p.cu_suffix[b], p.cu_suffix[b + 1], p.sm_scale,
                     kv_offset, dst);
}

// The suffix pass, then the log-sum-exp merge of every slot into p.out.
template <int D>
void launch_suffix_and_combine(const CascadeDecodeParams& p, int n_slots, float* partial_o, float* partial_lse,
                               cudaStream_t s) {
  const dim3 suffix_grid(1, p.kv_heads, p.batch);
  if (p.heads / p.kv_heads <= 4) {
    ::moelab::kernels::cuda::launch(cascade_suffix_kernel<D, 4>, suffix_grid, kDecodeThreads, 0, s, p, n_slots,
                                    partial_o, partial_lse);
  } else {
    ::moelab::kernels::cuda::launch(cascade_suffix_kernel<D, 8>, suffix_grid, kDecodeThreads, 0, s, p, n_slots,
                                    partial_o, partial_lse);
  }
  ::moelab::kernels::cuda::launch(combine_partials_kernel<D>, p.batch * p.heads, D, 0, s, partial_o, partial_lse,
                                  n_slots, p.out);
}

}  // namespace moelab::kernels::attention::cuda_impl
