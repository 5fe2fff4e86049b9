#include "simulator/fabric/collective.hpp"

namespace moelab::sim {

double collective_all_reduce(const Fabric& f, const CollectiveCall& c) {
  const auto p = static_cast<double>(c.group.members);
  if (c.group.members <= 1 || c.bytes <= 0) return 0;
  if (!c.group.crosses_domains()) return f.nvlink.latency_s + 2.0 * (p - 1.0) / p * c.bytes / f.nvlink.bytes_per_s;
  const auto g = static_cast<double>(c.group.members_per_domain), n = static_cast<double>(c.group.domains);
  return f.nic_collective_latency_s + 2.0 * (g - 1.0) / g * c.bytes / f.nvlink.bytes_per_s +
         2.0 * (n - 1.0) / n * (c.bytes / g) / f.nic.bytes_per_s;
}

}  // namespace moelab::sim
