#include "kernels/common/registry.hpp"
#include "kernels/grouped_gemm/cases.hpp"
#include "kernels/grouped_gemm/fp8_cases.hpp"

namespace moelab::kernels {

// Each variant's factory, defined at the end of the variant's file (make_<op>_<backend>_<name>);
// each is added below, in this order.
namespace grouped_gemm {
VariantFactory make_grouped_gemm_ref_naive;         // ref/ref_naive_variant.cpp
VariantFactory make_grouped_gemm_kokkos_tiled;      // kokkos/tiled.cpp
VariantFactory make_grouped_gemm_fp8_ref_naive;     // ref/fp8_ref_variant.cpp
VariantFactory make_grouped_gemm_fp8_kokkos_tiled;  // kokkos/fp8_tiled.cpp
}  // namespace grouped_gemm

// The grouped_gemm family: its ops and one line per variant.
void register_grouped_gemm(Registry& r) {
  using namespace grouped_gemm;
  r.add_op({kGroupedGemmOp,
            "MoE expert FFN: per-expert C_g[M_g x N] = A_g[M_g x K] * B_g (B_g stored N x K), bf16 in/out, fp32 "
            "accumulation; M_g from a balanced or Zipf routing",
            preset_names(), make_case});
  r.add_op({kGroupedGemmFp8Op,
            "MoE expert FFN in FP8 (e4m3) with DeepGEMM's block scaling: 1x128 activation scales, 128x128 weight "
            "scales, bf16 out, fp32 accumulation promoted per 128-wide K block",
            fp8_preset_names(), make_fp8_case});

  r.add_variant(make_grouped_gemm_ref_naive());
  r.add_variant(make_grouped_gemm_fp8_ref_naive());
#if MOELAB_HAVE_KOKKOS
  r.add_variant(make_grouped_gemm_kokkos_tiled());
  r.add_variant(make_grouped_gemm_fp8_kokkos_tiled());
#endif
  // cuda variants: register_grouped_gemm_cuda() in cuda/register_grouped_gemm_cuda.cpp, in libmoelab_kernels_cuda.so.
}

}  // namespace moelab::kernels
