#pragma once
// The network an instance's GPUs talk over: NVLink inside a domain (8 GPUs of an HGX board, 72 of
// a GB200 NVL72 rack), one scale-out NIC per GPU between domains. Link figures are measured
// effective bandwidths and small-message latencies from the hardware file (data/hardware/, each
// with its source); the MoE all-to-all may use a kernel library's own measured figures per mode
// (DeepEP normal / low-latency: data/kernels/). Collectives are priced on it in collective.hpp.
#include <cstdint>

#include "simulator/model/hardware_spec.hpp"

namespace moelab::sim {

struct LinkSpec {
  double bytes_per_s = 0;  // effective, per direction, per GPU
  double latency_s = 0;    // fixed cost of one operation on this link class
};

// MoE dispatch/combine kernels: "normal" (throughput, prefill: NVLink forwarding, SMs busy) and
// "low_latency" (decode: direct RDMA per destination rank, CUDA-graph friendly).
enum class A2aMode : std::uint8_t { normal, low_latency };

// Effective bandwidths an all-to-all achieves per link class (0 = use the fabric's links).
struct A2aLinks {
  double nvlink_bytes_per_s = 0;
  double nic_bytes_per_s = 0;
  double latency_s = 0;
};

struct Fabric {
  std::int64_t gpus_per_node = 1;
  std::int64_t domain_gpus = 1;
  LinkSpec nvlink;
  LinkSpec nic;
  double nic_collective_latency_s = 0;  // a small collective whose group spans domains

  static Fabric from_hardware(const HardwareSpec& hw);
  // One GPU sending `bytes` to one other GPU: inside its NVLink domain or across the NICs (KV
  // transfers between instances, pipeline-stage activations).
  double transfer_s(double bytes, bool same_domain) const;
};

}  // namespace moelab::sim
