#pragma once
// Factories for the grouped_gemm variants (one file each); register_grouped_gemm.cpp lists them.
#include <memory>

#include "kernels/common/variant.hpp"

namespace moelab::kernels::grouped_gemm {

std::unique_ptr<Variant> make_ref_naive();
#if MOELAB_HAVE_KOKKOS
std::unique_ptr<Variant> make_kokkos_tiled();
#endif
#if MOELAB_HAVE_CUDA
std::unique_ptr<Variant> make_cuda_cublas_loop();
std::unique_ptr<Variant> make_cuda_cublas_grouped();
std::unique_ptr<Variant> make_cuda_grouped_mma();
#endif

}  // namespace moelab::kernels::grouped_gemm
