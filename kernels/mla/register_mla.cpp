#include "kernels/common/registry.hpp"
#include "kernels/mla/cases.hpp"

namespace moelab::kernels {

// Each variant's factory, defined at the end of the variant's file (make_<op>_<backend>_<name>).
namespace mla {
VariantFactory make_mla_decode_ref_naive;     // ref/ref_naive.cpp
VariantFactory make_mla_decode_kokkos_split;  // kokkos/split_decode.cpp
}  // namespace mla

// The MLA family: its op and one line per variant.
void register_mla(Registry& r) {
  using namespace mla;
  r.add_op({kMlaDecodeOp,
            "MLA decode (absorbed form, as FlashMLA): one query per sequence, all heads over a paged latent cache "
            "(kv_lora 512 + rope 64, bf16 in, fp32 out)",
            preset_names(), make_case_from_args});
  r.add_variant(make_mla_decode_ref_naive());
#if MOELAB_HAVE_KOKKOS
  r.add_variant(make_mla_decode_kokkos_split());
#endif
  // cuda variants: register_mla_cuda() in cuda/register_mla_cuda.cpp, in libmoelab_kernels_cuda.so.
}

}  // namespace moelab::kernels
