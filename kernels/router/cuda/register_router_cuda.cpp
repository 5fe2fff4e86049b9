#include "kernels/common/cuda_backend_api.hpp"
#include "kernels/common/registry.hpp"

namespace moelab::kernels {

// Each cuda variant's factory, defined at the end of its file (make_<op>_<backend>_<name>).
namespace router {
VariantFactory make_router_topk_cuda_warp_topk;       // cuda/warp_topk.cu
VariantFactory make_router_permute_cuda_cub_sort;     // cuda/permute_sort.cu
VariantFactory make_router_permute_cuda_thrust_sort;  // cuda/permute_sort.cu
VariantFactory make_router_permute_cuda_hist_scan;    // cuda/permute_hist_scan.cu
VariantFactory make_router_combine_cuda_gather;       // cuda/combine_gather.cu
}  // namespace router

// The router family's cuda variants, one line each. Compiled into libmoelab_kernels_cuda.so,
// which moelab opens on first use; register_router.cpp registers the ops and the CPU variants.
void register_router_cuda(CudaVariantList& r) {
  using namespace router;
  r.add_variant(make_router_topk_cuda_warp_topk());
  r.add_variant(make_router_permute_cuda_cub_sort());
  r.add_variant(make_router_permute_cuda_thrust_sort());
  r.add_variant(make_router_permute_cuda_hist_scan());
  r.add_variant(make_router_combine_cuda_gather());
}

}  // namespace moelab::kernels
