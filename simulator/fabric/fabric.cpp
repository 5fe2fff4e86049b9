#include "simulator/fabric/fabric.hpp"

#include <algorithm>

namespace moelab::sim {

Fabric Fabric::from_hardware(const HardwareSpec& hw) {
  Fabric f;
  f.gpus_per_node = std::max<std::int64_t>(hw.gpus_per_node, 1);
  f.domain_gpus = std::max<std::int64_t>(hw.nvlink_domain_gpus, 1);
  f.nvlink = {hw.nvlink_eff_bytes_per_s, hw.nvlink_latency_s};
  f.nic = {hw.interconnect_eff_bytes_per_s, hw.interconnect_latency_s};
  f.nic_collective_latency_s = hw.interconnect_collective_latency_s;
  return f;
}

double Fabric::transfer_s(double bytes, bool same_domain) const {
  if (bytes <= 0) return 0;
  const LinkSpec& link = same_domain ? nvlink : nic;
  return link.latency_s + bytes / link.bytes_per_s;
}

}  // namespace moelab::sim
