#include "kernels/attention/presets.hpp"
#include "kernels/common/registry.hpp"

namespace moelab::kernels {

// Each variant's factory, defined at the end of the variant's file (make_<op>_<backend>_<name>,
// op dots as underscores); each is added below, in this order.
namespace attention {
VariantFactory make_attention_prefill_ref_naive;                     // ref/ref_naive.cpp
VariantFactory make_attention_decode_paged_ref_naive;                // ref/ref_naive.cpp
VariantFactory make_attention_decode_cascade_ref_naive;              // ref/ref_naive.cpp
VariantFactory make_attention_prefill_kokkos_tiled;                  // kokkos/tiled_prefill.cpp
VariantFactory make_attention_decode_paged_kokkos_tiled;             // kokkos/tiled_paged_decode.cpp
VariantFactory make_attention_decode_cascade_kokkos_tiled;           // kokkos/tiled_cascade_decode.cpp
VariantFactory make_attention_prefill_cuda_naive;                    // cuda/naive.cu
VariantFactory make_attention_decode_paged_cuda_naive;               // cuda/naive.cu
VariantFactory make_attention_decode_cascade_cuda_naive;             // cuda/naive.cu
VariantFactory make_attention_prefill_cuda_flash_mma;                // cuda/flash_mma.cu
VariantFactory make_attention_prefill_cuda_flash_mma_b64;            // cuda/flash_mma.cu
VariantFactory make_attention_decode_paged_cuda_paged_decode;        // cuda/paged_decode.cu
VariantFactory make_attention_decode_cascade_cuda_cascade_decode;    // cuda/cascade_decode.cu
}  // namespace attention

// The attention family: its ops and one line per variant.
void register_attention(Registry& r) {
  using namespace attention;
  r.add_op({kPrefillOp, "causal GQA self-attention over variable-length sequences (bf16 in, fp32 out)",
            prefill_preset_names(), make_prefill_case_from_args});
  r.add_op({kPagedDecodeOp, "one query token per sequence over a paged KV cache (bf16 in, fp32 out)",
            paged_decode_preset_names(), make_paged_decode_case_from_args});
  r.add_op({kCascadeDecodeOp, "decode queries sharing one prefix KV plus per-query suffix KV (bf16 in, fp32 out)",
            cascade_decode_preset_names(), make_cascade_decode_case_from_args});

  r.add_variant(make_attention_prefill_ref_naive());
  r.add_variant(make_attention_decode_paged_ref_naive());
  r.add_variant(make_attention_decode_cascade_ref_naive());
#if MOELAB_HAVE_KOKKOS
  r.add_variant(make_attention_prefill_kokkos_tiled());
  r.add_variant(make_attention_decode_paged_kokkos_tiled());
  r.add_variant(make_attention_decode_cascade_kokkos_tiled());
#endif
#if MOELAB_HAVE_CUDA
  r.add_variant(make_attention_prefill_cuda_naive());
  r.add_variant(make_attention_decode_paged_cuda_naive());
  r.add_variant(make_attention_decode_cascade_cuda_naive());
  r.add_variant(make_attention_prefill_cuda_flash_mma());
  r.add_variant(make_attention_prefill_cuda_flash_mma_b64());
  r.add_variant(make_attention_decode_paged_cuda_paged_decode());
  r.add_variant(make_attention_decode_cascade_cuda_cascade_decode());
#endif
}

}  // namespace moelab::kernels
