#pragma once
// Where an A/B run happens: the CPU, the CUDA device (if any) with its clocks and driver, and
// the device's peak rates for "% of peak" (from data/hardware, matched by device name or named
// with --hardware; the memory bandwidth falls back to the device attributes).
#include <optional>
#include <string>
#include <vector>

#include "kernels/common/cuda_device.hpp"
#include "kernels/common/variant.hpp"

namespace moelab::ab {

struct DevicePeaks {
  double flops_per_s = 0;      // dense bf16 tensor-core peak; 0 = unknown
  double fp8_flops_per_s = 0;  // dense fp8 tensor-core peak; 0 = unknown or none
  double bytes_per_s = 0;      // memory bandwidth; 0 = unknown
  double flops_for(kernels::PeakKind k) const { return k == kernels::PeakKind::fp8 ? fp8_flops_per_s : flops_per_s; }
  std::string hardware_id;  // data/hardware id the peaks came from ("" = none)
  std::string source;       // where the numbers come from, for the file's attributes
};

struct AbEnvironment {
  std::string cpu_name;
  std::optional<kernels::CudaDeviceInfo> gpu;
  bool gpu_queried = false;  // false: no cuda variant in the run, so the CUDA runtime was not loaded
  DevicePeaks gpu_peaks;
  std::optional<kernels::CudaBuildInfo> build;  // toolkit, cuBLAS, flags (when the GPU was queried)
  std::string nvml_driver;                      // NVML's driver version string ("580.159.03"); "" when unknown
  std::string nvml_status;                      // "ok", or why per-sample NVML telemetry is missing

  std::string gpu_name() const {
    return gpu ? gpu->name : gpu_queried ? std::string("none") : std::string("not queried (no cuda variant)");
  }
  std::string clocks_text() const;   // "sm 1980 MHz, memory 2619 MHz" or ""
  std::string driver_text() const;   // "driver 13.0 (580.159.03), runtime 13.0" or ""
  std::string toolkit_text() const;  // "toolkit 13.0 (nvcc 13.0.88), cuBLAS 13.0.2" or ""
};

// data/hardware ids to try for a CUDA device name ("NVIDIA H100 80GB HBM3" -> "h100-sxm").
std::vector<std::string> hardware_id_candidates(const std::string& device_name);

// Detects the CPU and, when `query_gpu`, the GPU; `hardware_id` ("" = match the device name)
// picks the peak rates. An explicit id that data/hardware lacks throws InputError. Querying the
// GPU loads the CUDA runtime in a CUDA build, so runs without a cuda variant skip it.
AbEnvironment detect_environment(const std::string& hardware_id, bool query_gpu = true);

}  // namespace moelab::ab
