#pragma once
// Factories for the router family's variants (one file each); register_router.cpp lists them.
#include <memory>

#include "kernels/common/variant.hpp"

namespace moelab::kernels::router {

std::unique_ptr<Variant> make_topk_ref_naive();
std::unique_ptr<Variant> make_permute_ref_counting();
std::unique_ptr<Variant> make_combine_ref_naive();
#if MOELAB_HAVE_KOKKOS
std::unique_ptr<Variant> make_topk_kokkos_fused();
std::unique_ptr<Variant> make_permute_kokkos_hist_scan();
std::unique_ptr<Variant> make_combine_kokkos_gather();
#endif
#if MOELAB_HAVE_CUDA
std::unique_ptr<Variant> make_topk_cuda_warp_topk();
std::unique_ptr<Variant> make_permute_cuda_cub_sort();
std::unique_ptr<Variant> make_permute_cuda_thrust_sort();
std::unique_ptr<Variant> make_permute_cuda_hist_scan();
std::unique_ptr<Variant> make_combine_cuda_gather();
#endif

}  // namespace moelab::kernels::router
