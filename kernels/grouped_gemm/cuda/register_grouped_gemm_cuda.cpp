#include "kernels/common/cuda_backend_api.hpp"
#include "kernels/grouped_gemm/variants.hpp"

namespace moelab::kernels {

// The grouped_gemm family's cuda variants, one line each. Compiled into libmoelab_kernels_cuda.so,
// which moelab opens on first use; register_grouped_gemm.cpp registers the op and the CPU variants.
void register_grouped_gemm_cuda(CudaVariantList& r) {
  using namespace grouped_gemm;
  r.add_variant(make_cuda_cublas_loop());
  r.add_variant(make_cuda_cublas_grouped());
  r.add_variant(make_cuda_grouped_mma());
}

}  // namespace moelab::kernels
