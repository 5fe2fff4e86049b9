#include "kernels/common/cuda_backend_api.hpp"
#include "kernels/common/registry.hpp"

namespace moelab::kernels {

// Each cuda variant's factory, defined at the end of its file (make_<op>_<backend>_<name>).
namespace grouped_gemm {
VariantFactory make_grouped_gemm_cuda_cublas_loop;     // cuda/cublas_variants.cu
VariantFactory make_grouped_gemm_cuda_cublas_grouped;  // cuda/cublas_variants.cu
VariantFactory make_grouped_gemm_cuda_grouped_mma;     // cuda/grouped_mma.cu
VariantFactory make_grouped_gemm_fp8_cuda_fp8_mma;     // cuda/fp8_mma.cu
}  // namespace grouped_gemm

// The grouped_gemm family's cuda variants, one line each. Compiled into libmoelab_kernels_cuda.so,
// which moelab opens on first use; register_grouped_gemm.cpp registers the op and the CPU variants.
void register_grouped_gemm_cuda(CudaVariantList& r) {
  using namespace grouped_gemm;
  r.add_variant(make_grouped_gemm_cuda_cublas_loop());
  r.add_variant(make_grouped_gemm_cuda_cublas_grouped());
  r.add_variant(make_grouped_gemm_cuda_grouped_mma());
  r.add_variant(make_grouped_gemm_fp8_cuda_fp8_mma());
}

}  // namespace moelab::kernels
