#include "kernels/attention/presets.hpp"
#include "kernels/attention/variants.hpp"
#include "kernels/common/registry.hpp"

namespace moelab::kernels {

// The attention family: its ops and one line per variant.
void register_attention(Registry& r) {
  using namespace attention;
  r.add_op({kPrefillOp, "causal GQA self-attention over variable-length sequences (bf16 in, fp32 out)",
            prefill_preset_names(), make_prefill_case_from_args});
  r.add_op({kPagedDecodeOp, "one query token per sequence over a paged KV cache (bf16 in, fp32 out)",
            paged_decode_preset_names(), make_paged_decode_case_from_args});
  r.add_op({kCascadeDecodeOp, "decode queries sharing one prefix KV plus per-query suffix KV (bf16 in, fp32 out)",
            cascade_decode_preset_names(), make_cascade_decode_case_from_args});

  r.add_variant(make_ref_naive_prefill());
  r.add_variant(make_ref_naive_paged_decode());
  r.add_variant(make_ref_naive_cascade_decode());
#if MOELAB_HAVE_KOKKOS
  r.add_variant(make_kokkos_tiled_prefill());
  r.add_variant(make_kokkos_tiled_paged_decode());
  r.add_variant(make_kokkos_tiled_cascade_decode());
#endif
  // cuda variants: register_attention_cuda() in cuda/register_attention_cuda.cpp, in libmoelab_kernels_cuda.so.
}

}  // namespace moelab::kernels
