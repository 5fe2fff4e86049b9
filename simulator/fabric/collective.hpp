#pragma once
// Collectives priced on the fabric with an alpha-beta model that depends on where the group's
// GPUs sit (GroupSpan: members, members per NVLink domain, domains). One file per collective
// (collective_<name>.cpp) and one line in collective_registry.cpp; the cost model looks them up by
// name once. Forms (B = bytes of the full buffer each member holds, p members, g per domain,
// n domains, bw/lat of NVLink or the NIC):
//   all_reduce     n = 1: lat_nvl + 2(p-1)/p B / bw_nvl
//                  n > 1 (hierarchical: reduce-scatter in the domain, all-reduce across domains
//                  over each GPU's NIC on its 1/g share, all-gather in the domain):
//                  lat_net + 2(g-1)/g B / bw_nvl + 2(n-1)/n (B/g) / bw_nic
//   all_gather,    n = 1: lat_nvl + (p-1)/p B / bw_nvl
//   reduce_scatter n > 1: lat_net + (g-1)/g B / bw_nvl + (n-1)/n (B/g) / bw_nic
//   all_to_all     lat + max(nvlink_bytes / bw_nvl, nic_bytes / bw_nic): the MoE dispatch or
//                  combine, with the bytes each GPU sends over each link class worked out by the
//                  caller from the routing; links run concurrently, the slower one sets the time
//   send_recv      lat + B / bw of the one link class used
// lat_nvl = nvlink.latency_s, lat_net = nic_collective_latency_s (a small collective spanning
// nodes, measured), all-to-all and send_recv across domains use the NIC's message latency.
#include <string_view>

#include "base/named_registry.hpp"
#include "simulator/fabric/fabric.hpp"
#include "simulator/model/parallel_plan.hpp"

namespace moelab::sim {

struct CollectiveCall {
  double bytes = 0;  // the full buffer per member (all-reduce, all-gather result, reduce-scatter input)
  GroupSpan group;
  // all_to_all only: what one GPU sends over each link class, and the bandwidths the kernel
  // achieves (A2aLinks; zero fields fall back to the fabric's links).
  double nvlink_bytes = 0;
  double nic_bytes = 0;
  A2aLinks links;
};

using CollectiveFn = double(const Fabric& fabric, const CollectiveCall& call);
const NamedRegistry<CollectiveFn>& collective_registry();
// collective_registry().lookup(name).make as a plain function pointer wrapper.
double collective_time_s(std::string_view name, const Fabric& fabric, const CollectiveCall& call);

}  // namespace moelab::sim
