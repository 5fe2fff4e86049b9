// The CUDA build's device query (see kernels/common/cuda_device.hpp). Every error is an answer
// ("no device"), never an abort: on a machine with only the stub libcuda the runtime reports
// cudaErrorInsufficientDriver or cudaErrorNoDevice, and GPU tests then skip.
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <string>

#include "kernels/common/cuda_device.hpp"
#include "moelab_cuda_build_flags.hpp"

namespace moelab::kernels {

int cuda_device_count() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // reset the runtime's last-error state so later calls start clean
    return 0;
  }
  return count;
}

std::string cuda_unavailable_reason() {
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    cudaGetLastError();
    return std::string("no usable CUDA device: ") + cudaGetErrorString(e);
  }
  return count > 0 ? "" : "no CUDA device";
}

bool cuda_device_available() {
  static const bool available = cuda_device_count() > 0;
  return available;
}

std::optional<CudaDeviceInfo> cuda_device_info(int device) {
  if (device < 0 || device >= cuda_device_count()) return std::nullopt;
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, device) != cudaSuccess) return std::nullopt;
  auto attr = [device](cudaDeviceAttr a) {
    int v = 0;
    return cudaDeviceGetAttribute(&v, a, device) == cudaSuccess ? v : 0;
  };
  CudaDeviceInfo info;
  info.index = device;
  info.name = prop.name;
  char bus_id[32] = {};
  if (cudaDeviceGetPCIBusId(bus_id, sizeof(bus_id), device) == cudaSuccess) info.pci_bus_id = bus_id;
  info.compute_capability_major = prop.major;
  info.compute_capability_minor = prop.minor;
  info.sm_count = prop.multiProcessorCount;
  info.sm_clock_hz = attr(cudaDevAttrClockRate) * 1e3;  // kHz -> Hz
  info.memory_clock_hz = attr(cudaDevAttrMemoryClockRate) * 1e3;
  info.memory_bus_width_bits = attr(cudaDevAttrGlobalMemoryBusWidth);
  info.l2_bytes = static_cast<double>(prop.l2CacheSize);
  info.global_memory_bytes = static_cast<double>(prop.totalGlobalMem);
  info.peak_memory_bytes_per_s = 2.0 * info.memory_clock_hz * info.memory_bus_width_bits / 8.0;
  cudaDriverGetVersion(&info.driver_version);
  cudaRuntimeGetVersion(&info.runtime_version);
  return info;
}

std::optional<CudaBuildInfo> cuda_build_info() {
  CudaBuildInfo b;
  b.toolkit_version = CUDART_VERSION;
  if (cudaRuntimeGetVersion(&b.runtime_version) != cudaSuccess) cudaGetLastError();
  if (cudaDriverGetVersion(&b.driver_version) != cudaSuccess) cudaGetLastError();
  int major = 0, minor = 0, patch = 0;
  if (cublasGetProperty(MAJOR_VERSION, &major) == CUBLAS_STATUS_SUCCESS &&
      cublasGetProperty(MINOR_VERSION, &minor) == CUBLAS_STATUS_SUCCESS &&
      cublasGetProperty(PATCH_LEVEL, &patch) == CUBLAS_STATUS_SUCCESS) {
    b.cublas_version = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  }
  b.nvcc_version = cuda_build_flags::nvcc_version;
  b.architectures = cuda_build_flags::architectures;
  b.cuda_flags = cuda_build_flags::flags;
  return b;
}

std::string cuda_context_error() {
  if (cuda_device_count() == 0) return "";
  cudaError_t e = cudaDeviceSynchronize();
  if (e == cudaSuccess) return "";
  cudaGetLastError();  // clears a non-sticky error; a sticky one comes back from every call
  e = cudaDeviceSynchronize();
  if (e == cudaSuccess) return "";
  return std::string(cudaGetErrorName(e)) + " (" + cudaGetErrorString(e) + ")";
}

}  // namespace moelab::kernels
