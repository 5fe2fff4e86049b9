#include "kernels/common/cuda_backend_api.hpp"
#include "kernels/common/registry.hpp"

namespace moelab::kernels {

// Each cuda variant's factory, defined at the end of its file (make_<op>_<backend>_<name>).
namespace attention {
VariantFactory make_attention_prefill_cuda_naive;                  // cuda/naive.cu
VariantFactory make_attention_decode_paged_cuda_naive;             // cuda/naive.cu
VariantFactory make_attention_decode_cascade_cuda_naive;           // cuda/naive.cu
VariantFactory make_attention_prefill_cuda_flash_mma;              // cuda/flash_mma.cu
VariantFactory make_attention_prefill_cuda_flash_mma_b64;          // cuda/flash_mma.cu
VariantFactory make_attention_prefill_cuda_flash_wgmma;            // cuda/flash_wgmma.cu
VariantFactory make_attention_decode_paged_cuda_paged_decode;      // cuda/paged_decode.cu
VariantFactory make_attention_decode_cascade_cuda_cascade_decode;  // cuda/cascade_decode.cu
VariantFactory make_attention_decode_cascade_cuda_cascade_mma;     // cuda/cascade_mma.cu
}  // namespace attention

// The attention family's cuda variants, one line each. Compiled into libmoelab_kernels_cuda.so,
// which moelab opens on first use; register_attention.cpp registers the ops and the CPU variants.
void register_attention_cuda(CudaVariantList& r) {
  using namespace attention;
  r.add_variant(make_attention_prefill_cuda_naive());
  r.add_variant(make_attention_decode_paged_cuda_naive());
  r.add_variant(make_attention_decode_cascade_cuda_naive());
  r.add_variant(make_attention_prefill_cuda_flash_mma());
  r.add_variant(make_attention_prefill_cuda_flash_mma_b64());
  r.add_variant(make_attention_prefill_cuda_flash_wgmma());
  r.add_variant(make_attention_decode_paged_cuda_paged_decode());
  r.add_variant(make_attention_decode_cascade_cuda_cascade_decode());
  r.add_variant(make_attention_decode_cascade_cuda_cascade_mma());
}

}  // namespace moelab::kernels
