#pragma once
// One accelerator as the roofline needs it. Filled from data/hardware/<id>.toml with sources.
#include <cstdint>
#include <string>

namespace moelab::sim {

struct HardwareSpec {
  std::string id;            // "h100-sxm"
  std::string display_name;  // "NVIDIA H100 SXM 80GB"
  std::string source;

  double peak_bf16_flops = 0;            // dense tensor-core FLOP/s (no sparsity)
  double peak_fp8_flops = 0;             // 0 = no FP8 tensor cores
  double hbm_bytes = 0;                  // device memory capacity
  double hbm_bytes_per_s = 0;            // peak memory bandwidth
  double nvlink_bytes_per_s = 0;         // per GPU, both directions together as NVIDIA datasheets
                                         // state it (H100 SXM 900 GB/s = 450 GB/s each way)
  double interconnect_bytes_per_s = 0;   // inter-node per GPU (e.g. IB NDR 50 GB/s); 0 = unknown
  double tdp_w = 0;
  std::int64_t sm_count = 0;
  double l2_bytes = 0;
  double usd_per_gpu_hour = 0;           // default rental price (data/prices), overridable
};

}  // namespace moelab::sim
