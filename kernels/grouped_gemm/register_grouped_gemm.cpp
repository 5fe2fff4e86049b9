#include "kernels/common/registry.hpp"
#include "kernels/grouped_gemm/cases.hpp"

namespace moelab::kernels {

// Each variant's factory, defined at the end of the variant's file (make_<op>_<backend>_<name>);
// each is added below, in this order.
namespace grouped_gemm {
VariantFactory make_grouped_gemm_ref_naive;              // ref/ref_naive_variant.cpp
VariantFactory make_grouped_gemm_kokkos_tiled;           // kokkos/tiled.cpp
}  // namespace grouped_gemm

// The grouped_gemm family: its ops and one line per variant.
void register_grouped_gemm(Registry& r) {
  using namespace grouped_gemm;
  r.add_op({kGroupedGemmOp,
            "MoE expert FFN: per-expert C_g[M_g x N] = A_g[M_g x K] * B_g (B_g stored N x K), bf16 in/out, fp32 "
            "accumulation; M_g from a balanced or Zipf routing",
            preset_names(), make_case});

  r.add_variant(make_grouped_gemm_ref_naive());
#if MOELAB_HAVE_KOKKOS
  r.add_variant(make_grouped_gemm_kokkos_tiled());
#endif
  // cuda variants: register_grouped_gemm_cuda() in cuda/register_grouped_gemm_cuda.cpp, in libmoelab_kernels_cuda.so.
}

}  // namespace moelab::kernels
