#pragma once
// Pieces the sort-based cuda permute variants share: the assignment iota and the pass that turns
// expert-sorted keys into expert_offsets and the inverse permutation.
#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/router/router_params.hpp"

namespace moelab::kernels::router {

__global__ void iota_kernel(std::int32_t* out, int n);

// Thread per sorted position p in [0, n]: experts (key[p-1], key[p]] start at p, so every
// offset, empty experts included, is written exactly once; also inverse[sorted[p]] = p.
__global__ void offsets_and_inverse_kernel(const std::int32_t* sorted_keys, PermuteParams p);

void launch_offsets_and_inverse(const std::int32_t* sorted_keys, const PermuteParams& p, cudaStream_t stream);

}  // namespace moelab::kernels::router
