#pragma once
// The router oracles: plain loops, fp64 where rounding matters (weights, combine sums).
#include <cstdint>

#include "kernels/router/router_params.hpp"

namespace moelab::kernels::router {

// Top-k ids (p.topk_ids) and fp64 weights (weights_out [tokens x k]); p.topk_weights is ignored.
void topk_ref(const TopkParams& p, double* weights_out);

// Stable counting sort of assignments by expert; fills all three outputs.
void permute_ref(const PermuteParams& p);

// out_fp64 [tokens x hidden] = the weighted sum in fp64 (p.out is ignored).
void combine_ref(const CombineParams& p, double* out_fp64);

}  // namespace moelab::kernels::router
