#pragma once
// Prefill/decode disaggregation (DistServe, Splitwise, Mooncake, SGLang/vLLM PD modes): a cluster
// of two pools, one that only prefills and one that only decodes, each with its own hardware,
// parallel plan, engine limits, instance count and router. A request is prefilled on a prefill
// instance, its KV is sent over the fabric to a decode instance, and it decodes there without a
// second prefill. Absent ([cluster.prefill] / [cluster.decode] not given), every instance is
// mixed, as before.
#include <cstdint>
#include <string>

#include "simulator/engine/engine_spec.hpp"
#include "simulator/model/hardware_spec.hpp"
#include "simulator/model/parallel_plan.hpp"

namespace moelab::sim {

enum class PoolRole : std::uint8_t { prefill, decode };

struct PoolSpec {
  PoolRole role = PoolRole::prefill;
  std::int64_t instances = 1;
  HardwareSpec hardware;                    // [hardware] unless the pool names its own
  ParallelPlan parallel;                    // [cluster.parallel] unless the pool has its own
  EngineSpec engine;                        // [engine] with the pool's overrides
  std::string router = "round_robin";       // which instance of the pool gets a request
  std::string dp_dispatch = "round_robin";  // which DP rank of that instance
  double usd_per_gpu_hour = 0;
};

struct DisaggregationSpec {
  bool enabled = false;
  // "layerwise" (Splitwise, Mooncake): each layer's KV leaves as soon as the prompt's last
  // prefill step has computed that layer, so only what the step cannot hide is exposed;
  // "whole": the KV leaves after the prefill step ends.
  bool layerwise_kv_transfer = false;
  PoolSpec prefill;
  PoolSpec decode;
};

}  // namespace moelab::sim
