// The CUDA build's device query (see kernels/common/cuda_device.hpp). Every error is an answer
// ("no device"), never an abort: on a machine with only the stub libcuda the runtime reports
// cudaErrorInsufficientDriver or cudaErrorNoDevice, and GPU tests then skip.
#include <cuda_runtime.h>

#include <string>

#include "kernels/common/cuda_device.hpp"

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
  info.compute_capability_major = prop.major;
  info.compute_capability_minor = prop.minor;
  info.sm_count = prop.multiProcessorCount;
  info.sm_clock_hz = attr(cudaDevAttrClockRate) * 1e3;          // kHz -> Hz
  info.memory_clock_hz = attr(cudaDevAttrMemoryClockRate) * 1e3;
  info.memory_bus_width_bits = attr(cudaDevAttrGlobalMemoryBusWidth);
  info.l2_bytes = static_cast<double>(prop.l2CacheSize);
  info.global_memory_bytes = static_cast<double>(prop.totalGlobalMem);
  info.peak_memory_bytes_per_s = 2.0 * info.memory_clock_hz * info.memory_bus_width_bits / 8.0;
  cudaDriverGetVersion(&info.driver_version);
  cudaRuntimeGetVersion(&info.runtime_version);
  return info;
}

}  // namespace moelab::kernels
