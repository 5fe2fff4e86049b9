#pragma once
// What the harness and tests need to know about a CUDA device, in plain C++ (no CUDA headers), so
// lab/ code and CPU-only builds can ask. Three implementations: cuda/device_query.cu inside
// libmoelab_kernels_cuda.so; in a CUDA build's executables, cuda_backend.cpp, which opens that
// library on the first call and asks it (no library: no device); without CUDA, a stub (no
// device, ever). Calling any of these in a CUDA build therefore loads the CUDA runtime.
#include <optional>
#include <string>

namespace moelab::kernels {

struct CudaDeviceInfo {
  int index = 0;
  std::string name;        // "NVIDIA H100 80GB HBM3"
  std::string pci_bus_id;  // "0000:18:00.0" (cudaDeviceGetPCIBusId), to find it in NVML
  int compute_capability_major = 0;
  int compute_capability_minor = 0;
  int sm_count = 0;
  double sm_clock_hz = 0;      // peak (boost) SM clock from cudaDevAttrClockRate
  double memory_clock_hz = 0;  // cudaDevAttrMemoryClockRate
  int memory_bus_width_bits = 0;
  double l2_bytes = 0;
  double global_memory_bytes = 0;
  // 2 (DDR) x memory clock x bus width / 8: the attribute-derived peak, for when data/hardware
  // does not know the device. HBM3 devices report a clock that makes this match the datasheet.
  double peak_memory_bytes_per_s = 0;
  int driver_version = 0;   // cudaDriverGetVersion: 13000 = 13.0
  int runtime_version = 0;  // cudaRuntimeGetVersion
};

// True when the runtime finds at least one device. Any error (no driver, stub libcuda,
// insufficient driver) is "false", never an abort. Always false in builds without CUDA.
bool cuda_device_available();
int cuda_device_count();
// Why no device is usable ("" when one is): the runtime's error (e.g. "CUDA driver version is
// insufficient for CUDA runtime version"), "no CUDA device", the backend library's load error,
// or "not built".
std::string cuda_unavailable_reason();
std::optional<CudaDeviceInfo> cuda_device_info(int device = 0);
// 13020 -> "13.2".
std::string cuda_version_text(int version);

// What libmoelab_kernels_cuda.so was built with and loaded, for the A/B file's attributes.
struct CudaBuildInfo {
  int toolkit_version = 0;     // CUDART_VERSION the library was compiled against (13000 = 13.0)
  int runtime_version = 0;     // cudaRuntimeGetVersion of the runtime it loaded
  int driver_version = 0;      // cudaDriverGetVersion (0 without a driver)
  std::string cublas_version;  // cublasGetProperty: "13.0.2"
  std::string nvcc_version;    // CMAKE_CUDA_COMPILER_VERSION
  std::string architectures;   // CMAKE_CUDA_ARCHITECTURES ("90a")
  std::string cuda_flags;      // the nvcc flags of the library's build (build type's and the target's)
};
// nullopt when there is no CUDA library (CPU build, or it did not load).
std::optional<CudaBuildInfo> cuda_build_info();

// "" while the CUDA context is usable; else the error that broke it for good (a sticky error
// such as cudaErrorIllegalAddress: every later CUDA call in this process fails with it).
// Synchronizes the device. Call it after a cuda variant raised an error.
std::string cuda_context_error();

}  // namespace moelab::kernels
