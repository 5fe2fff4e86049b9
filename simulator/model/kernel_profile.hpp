#pragma once
// Achieved efficiency per kernel class, measured by the kernels' authors, for an engine that runs
// those kernels (data/kernels/<id>.toml, chosen by engine.kernel_profile). Without a profile every
// GEMM runs at engine.matmul_efficiency, attention at engine.attention_efficiency and every byte
// at engine.memory_efficiency. With one:
//   FP8 dense GEMMs at dense_gemm_compute_efficiency (BF16 GEMMs keep the engine's);
//   FP8 grouped (expert) GEMMs at an efficiency that depends on tokens per expert (M), linear in
//     log2 M between the table's points and flat beyond its ends;
//   every GEMM's weight and activation traffic at gemm_memory_efficiency;
//   decode (MLA/GQA) attention and prefill attention at their own compute efficiencies, both
//     reading the KV cache at decode_attention_memory_efficiency;
//   low-latency MoE all-to-alls at the measured RDMA bandwidth per EP size (one copy per
//     (token, expert) pair), scaled by the NIC's line rate over the one measured on.
#include <cstdint>
#include <string>
#include <vector>

namespace moelab::sim {

struct KernelProfile {
  std::string id;  // "" = no profile
  std::string display_name;
  std::string source;
  std::vector<std::string> hardware;  // hardware ids the measurements apply to

  double dense_gemm_compute_efficiency = 0;
  double gemm_memory_efficiency = 0;
  std::vector<double> grouped_gemm_tokens_per_expert;  // ascending
  std::vector<double> grouped_gemm_compute_efficiency;
  double decode_attention_compute_efficiency = 0;
  double decode_attention_memory_efficiency = 0;
  double prefill_attention_compute_efficiency = 0;
  double a2a_measured_nic_bytes_per_s = 0;  // line rate of the NIC the a2a figures were measured on
  std::vector<double> a2a_low_latency_ep;   // ascending
  std::vector<double> a2a_low_latency_dispatch_bytes_per_s;
  std::vector<double> a2a_low_latency_combine_bytes_per_s;

  bool empty() const { return id.empty(); }
  // Linear in log2(tokens_per_expert) between table points, the end values beyond.
  double grouped_gemm_efficiency(double tokens_per_expert) const;
  // Low-latency all-to-all RDMA bandwidth at `ep` ranks (linear in log2 EP, flat beyond), 0 when
  // the profile has no table.
  double low_latency_bytes_per_s(double ep, bool combine) const;
};

}  // namespace moelab::sim
