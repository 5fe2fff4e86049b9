#pragma once
// One accelerator as the roofline needs it. Filled from data/hardware/<id>.toml with sources.
#include <cstdint>
#include <string>

namespace moelab::sim {

struct HardwareSpec {
  std::string id;            // "h100-sxm"
  std::string display_name;  // "NVIDIA H100 SXM 80GB"
  std::string source;

  double peak_bf16_flops = 0;           // dense tensor-core FLOP/s (no sparsity)
  double peak_fp8_flops = 0;            // 0 = no FP8 tensor cores
  double hbm_bytes = 0;                 // device memory capacity
  double hbm_bytes_per_s = 0;           // peak memory bandwidth
  double nvlink_bytes_per_s = 0;        // per GPU, both directions together as NVIDIA datasheets
                                        // state it (H100 SXM 900 GB/s = 450 GB/s each way)
  double interconnect_bytes_per_s = 0;  // inter-node per GPU (e.g. IB NDR 50 GB/s); 0 = unknown

  // Topology and measured link performance (the fabric, simulator/fabric/). 0 = not given.
  std::int64_t gpus_per_node = 0;                // GPUs per server (8 on HGX boards)
  std::int64_t nvlink_domain_gpus = 0;           // GPUs one NVLink switch fabric joins (8 HGX, 72 GB200 NVL72)
  double nvlink_eff_bytes_per_s = 0;             // achieved per direction per GPU (collective bus bandwidth)
  double nvlink_latency_s = 0;                   // a small collective inside the NVLink domain
  double interconnect_eff_bytes_per_s = 0;       // achieved per GPU NIC, per direction
  double interconnect_latency_s = 0;             // one-way small-message latency between nodes
  double interconnect_collective_latency_s = 0;  // a small collective whose group spans nodes
  double tdp_w = 0;
  std::int64_t sm_count = 0;
  double l2_bytes = 0;
  double usd_per_gpu_hour = 0;  // default rental price (data/prices), overridable
};

}  // namespace moelab::sim
