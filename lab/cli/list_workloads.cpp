// `moelab list workloads`: the workload kinds the simulator can generate or replay.
#include "lab/cli/list_topics.hpp"
#include "simulator/workload/workload_registry.hpp"

namespace moelab::cli {

std::vector<ListEntry> list_workloads() {
  std::vector<ListEntry> out;
  for (const auto& k : sim::workload_registry()) out.push_back({k.name, k.description});
  return out;
}

}  // namespace moelab::cli
