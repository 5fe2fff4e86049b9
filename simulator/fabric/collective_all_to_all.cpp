#include "simulator/fabric/collective.hpp"

#include <algorithm>

namespace moelab::sim {

double collective_all_to_all(const Fabric& f, const CollectiveCall& c) {
  if (c.group.members <= 1 || (c.nvlink_bytes <= 0 && c.nic_bytes <= 0)) return 0;
  const double nvl_bw = c.links.nvlink_bytes_per_s > 0 ? c.links.nvlink_bytes_per_s : f.nvlink.bytes_per_s;
  const double nic_bw = c.links.nic_bytes_per_s > 0 ? c.links.nic_bytes_per_s : f.nic.bytes_per_s;
  double latency = c.links.latency_s;
  if (!(latency > 0)) latency = c.group.crosses_domains() ? f.nic.latency_s : f.nvlink.latency_s;
  const double t_nvl = c.nvlink_bytes > 0 ? c.nvlink_bytes / nvl_bw : 0.0;
  const double t_nic = c.nic_bytes > 0 ? c.nic_bytes / nic_bw : 0.0;
  return latency + std::max(t_nvl, t_nic);
}

}  // namespace moelab::sim
