#include "kernels/common/cuda_backend_api.hpp"
#include "kernels/router/variants.hpp"

namespace moelab::kernels {

// The router family's cuda variants, one line each. Compiled into libmoelab_kernels_cuda.so,
// which moelab opens on first use; register_router.cpp registers the ops and the CPU variants.
void register_router_cuda(CudaVariantList& r) {
  using namespace router;
  r.add_variant(make_topk_cuda_warp_topk());
  r.add_variant(make_permute_cuda_cub_sort());
  r.add_variant(make_permute_cuda_thrust_sort());
  r.add_variant(make_permute_cuda_hist_scan());
  r.add_variant(make_combine_cuda_gather());
}

}  // namespace moelab::kernels
