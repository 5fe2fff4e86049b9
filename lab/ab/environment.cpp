#include "lab/ab/environment.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include "lab/ab/gpu_telemetry.hpp"
#include "lab/config/spec_loaders.hpp"

namespace moelab::ab {
namespace {

std::string read_cpu_name() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "unknown CPU";
}

bool contains(const std::string& text, const std::string& word) { return text.find(word) != std::string::npos; }

}  // namespace

std::string AbEnvironment::clocks_text() const {
  if (!gpu) return "";
  return fmt::format("sm {:.0f} MHz, memory {:.0f} MHz, bus {} bit", gpu->sm_clock_hz / 1e6, gpu->memory_clock_hz / 1e6,
                     gpu->memory_bus_width_bits);
}

std::string AbEnvironment::driver_text() const {
  if (!gpu) return "";
  return fmt::format("driver {}{}, runtime {}", kernels::cuda_version_text(gpu->driver_version),
                     nvml_driver.empty() ? std::string() : " (" + nvml_driver + ")",
                     kernels::cuda_version_text(gpu->runtime_version));
}

std::string AbEnvironment::toolkit_text() const {
  if (!build) return "";
  return fmt::format("toolkit {} (nvcc {}), cuBLAS {}", kernels::cuda_version_text(build->toolkit_version),
                     build->nvcc_version,
                     build->cublas_version.empty() ? std::string("unknown") : build->cublas_version);
}

std::vector<std::string> hardware_id_candidates(const std::string& name) {
  if (contains(name, "H200")) return {"h200-sxm", "h200"};
  if (contains(name, "H100") && (contains(name, "PCIe") || contains(name, "PCIE"))) return {"h100-pcie"};
  if (contains(name, "H100")) return {"h100-sxm", "h100"};
  if (contains(name, "H800")) return {"h800-sxm", "h800"};
  if (contains(name, "A100")) return {"a100-sxm-80gb", "a100-80gb", "a100-sxm", "a100"};
  if (contains(name, "B200")) return {"b200", "b200-hgx"};
  return {};
}

AbEnvironment detect_environment(const std::string& hardware_id, bool query_gpu) {
  AbEnvironment env;
  env.cpu_name = read_cpu_name();
  env.gpu_queried = query_gpu;
  if (query_gpu) {
    env.gpu = kernels::cuda_device_info(0);
    env.build = kernels::cuda_build_info();
  }
  if (env.gpu) {
    auto& nvml = gpu_telemetry();
    if (nvml.available()) nvml.select_device(env.gpu->pci_bus_id);
    env.nvml_status = nvml.available() ? "ok" : nvml.why_not();
    env.nvml_driver = nvml.driver_version();
  }

  std::string id = hardware_id;
  if (id.empty() && env.gpu) {
    const auto known = config::list_ids("hardware");
    for (const auto& candidate : hardware_id_candidates(env.gpu->name)) {
      if (std::find(known.begin(), known.end(), candidate) != known.end()) {
        id = candidate;
        break;
      }
    }
  }
  if (!id.empty()) {
    const auto spec = config::load_hardware_by_id(id);  // InputError when the id is unknown
    env.gpu_peaks.flops_per_s = spec.peak_bf16_flops;
    env.gpu_peaks.fp8_flops_per_s = spec.peak_fp8_flops;
    env.gpu_peaks.bytes_per_s = spec.hbm_bytes_per_s;
    env.gpu_peaks.hardware_id = id;
    env.gpu_peaks.source = fmt::format("data/hardware/{}.toml", id);
  } else if (env.gpu) {
    env.gpu_peaks.bytes_per_s = env.gpu->peak_memory_bytes_per_s;
    env.gpu_peaks.source = "device attributes (memory clock x bus width); no data/hardware entry for this device";
  }
  return env;
}

}  // namespace moelab::ab
