// The CPU-only build's answer to "is there a CUDA device": no. With CUDA built, executables ask
// libmoelab_kernels_cuda.so (kernels/common/cuda_backend.cpp), whose answer is
// kernels/common/cuda/device_query.cu.
#include "kernels/common/cuda_device.hpp"

#include <string>

namespace moelab::kernels {

std::string cuda_version_text(int version) {
  return std::to_string(version / 1000) + "." + std::to_string((version % 1000) / 10);
}

#ifndef MOELAB_HAVE_CUDA
bool cuda_device_available() { return false; }
int cuda_device_count() { return 0; }
std::string cuda_unavailable_reason() {
  return "not built: this build has no CUDA (MOELAB_ENABLE_CUDA=OFF or no nvcc at configure time)";
}
std::optional<CudaDeviceInfo> cuda_device_info(int /*device*/) { return std::nullopt; }
std::optional<CudaBuildInfo> cuda_build_info() { return std::nullopt; }
std::string cuda_context_error() { return ""; }
#endif

}  // namespace moelab::kernels
