// libmoelab_kernels_cuda.so's one exported symbol (kernels/common/cuda_backend_api.hpp): every
// family's cuda variants and the device query. Everything else in the library is hidden.
#include "kernels/common/cuda_backend_api.hpp"
#include "kernels/common/cuda_device.hpp"
#include "moelab_build_info.hpp"

namespace moelab::kernels {
namespace {

CudaVariantList make_variants() {
  CudaVariantList r;
  register_attention_cuda(r);
  register_router_cuda(r);
  register_grouped_gemm_cuda(r);
  register_mla_cuda(r);
  return r;
}

const std::string& build_id() {
  static const std::string id = std::string(build_info::version) + " " + build_info::git_commit;
  return id;
}

}  // namespace
}  // namespace moelab::kernels

extern "C" __attribute__((visibility("default"))) const moelab::kernels::CudaBackendApi* moelab_cuda_backend_api() {
  using namespace moelab::kernels;
  static const CudaBackendApi api{kCudaBackendAbiVersion,   build_id().c_str(), &make_variants,   &cuda_device_count,
                                  &cuda_unavailable_reason, &cuda_device_info,  &cuda_build_info, &cuda_context_error};
  return &api;
}
