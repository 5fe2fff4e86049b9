#include "kernels/common/registry.hpp"
#include "kernels/router/cases.hpp"

namespace moelab::kernels {

// Each variant's factory, defined at the end of the variant's file (make_<op>_<backend>_<name>,
// op dots as underscores); each is added below, in this order.
namespace router {
VariantFactory make_router_topk_ref_naive;            // ref/topk_ref_variant.cpp
VariantFactory make_router_permute_ref_counting;      // ref/permute_ref_variant.cpp
VariantFactory make_router_combine_ref_naive;         // ref/combine_ref_variant.cpp
VariantFactory make_router_topk_kokkos_fused;         // kokkos/topk_fused.cpp
VariantFactory make_router_permute_kokkos_hist_scan;  // kokkos/permute_hist_scan.cpp
VariantFactory make_router_combine_kokkos_gather;     // kokkos/combine_gather.cpp
}  // namespace router

// The router family: its ops and one line per variant.
void register_router(Registry& r) {
  using namespace router;
  r.add_op({kTopkOp,
            "MoE gating: fp32 logits [tokens x experts] -> top-k expert ids + fp32 weights; softmax (Mixtral/Qwen3) "
            "or sigmoid + bias with group-limited selection (DeepSeek-V3)",
            topk_preset_names(), make_topk_case});
  r.add_op({kPermuteOp,
            "group (token, slot) assignments by expert: sorted order, per-expert offsets [E+1], inverse permutation",
            permute_preset_names(), make_permute_case});
  r.add_op({kCombineOp,
            "unpermute: bf16 expert rows (sorted order) -> bf16 token rows, weighted by routing weights (fp32 accum)",
            combine_preset_names(), make_combine_case});

  r.add_variant(make_router_topk_ref_naive());
  r.add_variant(make_router_permute_ref_counting());
  r.add_variant(make_router_combine_ref_naive());
#if MOELAB_HAVE_KOKKOS
  r.add_variant(make_router_topk_kokkos_fused());
  r.add_variant(make_router_permute_kokkos_hist_scan());
  r.add_variant(make_router_combine_kokkos_gather());
#endif
  // cuda variants: register_router_cuda() in cuda/register_router_cuda.cpp, in libmoelab_kernels_cuda.so.
}

}  // namespace moelab::kernels
