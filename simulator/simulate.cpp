#include "simulator/simulate.hpp"

#include "simulator/cluster/cluster_simulator.hpp"
#include "simulator/cluster/disaggregated_cluster.hpp"
#include "simulator/workload/workload_spec.hpp"

namespace moelab::sim {

RunResult simulate(const SimConfig& config, const ProgressFn& progress) {
  if (config.cluster.disaggregation.enabled) {
    DisaggregatedCluster cluster(config);
    auto workload = make_workload(config.workload, config.seed);
    return cluster.run(*workload, progress);
  }
  ClusterSimulator cluster(config);  // validates and sizes the KV cache before generating traffic
  auto workload = make_workload(config.workload, config.seed);
  return cluster.run(*workload, progress);
}

}  // namespace moelab::sim
