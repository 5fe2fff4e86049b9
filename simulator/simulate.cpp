#include "simulator/simulate.hpp"

#include "simulator/cluster/cluster_simulator.hpp"
#include "simulator/workload/workload_spec.hpp"

namespace moelab::sim {

RunResult simulate(const SimConfig& config, const ProgressFn& progress) {
  ClusterSimulator cluster(config);  // validates and sizes the KV cache before generating traffic
  auto workload = make_workload(config.workload, config.seed);
  return cluster.run(*workload, progress);
}

}  // namespace moelab::sim
