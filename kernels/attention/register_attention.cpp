#include "kernels/attention/presets.hpp"
#include "kernels/common/registry.hpp"

namespace moelab::kernels {

// Each variant's factory, defined at the end of the variant's file (make_<op>_<backend>_<name>,
// op dots as underscores); each is added below, in this order.
namespace attention {
VariantFactory make_attention_prefill_ref_naive;            // ref/ref_naive.cpp
VariantFactory make_attention_decode_paged_ref_naive;       // ref/ref_naive.cpp
VariantFactory make_attention_decode_cascade_ref_naive;     // ref/ref_naive.cpp
VariantFactory make_attention_prefill_kokkos_tiled;         // kokkos/tiled_prefill.cpp
VariantFactory make_attention_decode_paged_kokkos_tiled;    // kokkos/tiled_paged_decode.cpp
VariantFactory make_attention_decode_cascade_kokkos_tiled;  // kokkos/tiled_cascade_decode.cpp
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
  // cuda variants: register_attention_cuda() in cuda/register_attention_cuda.cpp, in libmoelab_kernels_cuda.so.
}

}  // namespace moelab::kernels
