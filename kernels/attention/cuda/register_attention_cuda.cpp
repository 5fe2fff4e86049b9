#include "kernels/attention/variants.hpp"
#include "kernels/common/cuda_backend_api.hpp"

namespace moelab::kernels {

// The attention family's cuda variants, one line each. Compiled into libmoelab_kernels_cuda.so,
// which moelab opens on first use; register_attention.cpp registers the ops and the CPU variants.
void register_attention_cuda(CudaVariantList& r) {
  using namespace attention;
  r.add_variant(make_cuda_naive_prefill());
  r.add_variant(make_cuda_naive_paged_decode());
  r.add_variant(make_cuda_naive_cascade_decode());
  r.add_variant(make_cuda_flash_mma_prefill());
  r.add_variant(make_cuda_flash_mma_b64_prefill());
  r.add_variant(make_cuda_paged_decode());
  r.add_variant(make_cuda_cascade_decode());
}

}  // namespace moelab::kernels
