#pragma once
// Everything one simulation run needs, already validated and typed (lab/config builds it).
#include <cstdint>
#include <string>

#include "simulator/cluster/pool_spec.hpp"
#include "simulator/engine/engine_spec.hpp"
#include "simulator/engine/kv_tier_store.hpp"
#include "simulator/model/hardware_spec.hpp"
#include "simulator/model/model_spec.hpp"
#include "simulator/model/moe_routing.hpp"
#include "simulator/model/parallel_plan.hpp"
#include "simulator/workload/workload_spec.hpp"

namespace moelab::sim {

struct ClusterSpec {
  std::int64_t replicas = 1;                // model instances
  ParallelPlan parallel;                    // how each instance spreads over its GPUs ([cluster.parallel])
  std::string router = "round_robin";       // which instance gets a request (moelab list policies)
  std::string dp_dispatch = "round_robin";  // which DP rank of the instance gets it (a router over ranks)
  DisaggregationSpec disaggregation;        // prefill and decode pools; off = every instance is mixed
  KvTierStoreSpec kv_tiers;                 // DRAM/SSD behind the prefix caches of prefilling instances; empty = off
};

struct StopCondition {
  std::int64_t max_requests = 0;  // 0 = no limit
  double max_duration_s = 0;      // simulated seconds of arrivals; 0 = no limit
};

struct SloSpec {  // goodput counts requests meeting every bound that is > 0
  double ttft_s = 0;
  double tpot_s = 0;
  double e2e_s = 0;
};

struct SimConfig {
  ModelSpec model;
  HardwareSpec hardware;
  EngineSpec engine;
  ClusterSpec cluster;
  WorkloadSpec workload;
  StopCondition stop;
  SloSpec slo;
  RoutingSpec moe;  // MoE routing skew and expert placement ([moe])
  double usd_per_gpu_hour = 0;
  std::uint64_t seed = 0;
  double timeseries_interval_s = 1.0;  // KV/queue samples; 0 = every iteration (small runs only)
};

}  // namespace moelab::sim
