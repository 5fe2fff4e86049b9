#pragma once
// Factories for the attention family's variants; register_attention.cpp adds one line each.
#include <memory>

#include "kernels/common/variant.hpp"

namespace moelab::kernels::attention {

std::unique_ptr<Variant> make_ref_naive_prefill();
std::unique_ptr<Variant> make_ref_naive_paged_decode();
std::unique_ptr<Variant> make_ref_naive_cascade_decode();

#if MOELAB_HAVE_KOKKOS
std::unique_ptr<Variant> make_kokkos_tiled_prefill();
std::unique_ptr<Variant> make_kokkos_tiled_paged_decode();
std::unique_ptr<Variant> make_kokkos_tiled_cascade_decode();
#endif

#if MOELAB_HAVE_CUDA
std::unique_ptr<Variant> make_cuda_naive_prefill();
std::unique_ptr<Variant> make_cuda_naive_paged_decode();
std::unique_ptr<Variant> make_cuda_naive_cascade_decode();
std::unique_ptr<Variant> make_cuda_flash_mma_prefill();
std::unique_ptr<Variant> make_cuda_flash_mma_b64_prefill();
std::unique_ptr<Variant> make_cuda_paged_decode();
std::unique_ptr<Variant> make_cuda_cascade_decode();
#endif

}  // namespace moelab::kernels::attention
