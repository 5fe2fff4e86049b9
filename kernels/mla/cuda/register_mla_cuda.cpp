#include "kernels/common/cuda_backend_api.hpp"
#include "kernels/common/registry.hpp"

namespace moelab::kernels {

// Each cuda variant's factory, defined at the end of its file (make_<op>_<backend>_<name>).
namespace mla {
VariantFactory make_mla_decode_cuda_mla_mma;  // cuda/mla_mma.cu
}  // namespace mla

// The MLA family's cuda variants, one line each (libmoelab_kernels_cuda.so).
void register_mla_cuda(CudaVariantList& r) {
  using namespace mla;
  r.add_variant(make_mla_decode_cuda_mla_mma());
}

}  // namespace moelab::kernels
