#pragma once
// The time of one step of an engine instance: its data-parallel ranks' batches (one StepShape
// each) in, the step's GPU time and its breakdown out. Chosen by name (engine.cost_model) from a
// registry like the engine's policies: `roofline` (per-operator roofline + collectives on the
// fabric; per operator class its times may come from measurements instead, engine.op_times,
// op_times.hpp). Adding a model: cost_model_registry.cpp.
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "base/named_registry.hpp"
#include "simulator/engine/engine_spec.hpp"
#include "simulator/model/hardware_spec.hpp"
#include "simulator/model/model_spec.hpp"
#include "simulator/model/moe_routing.hpp"
#include "simulator/model/parallel_plan.hpp"
#include "simulator/model/step_cost.hpp"

namespace moelab::sim {

// One step's time and where it went. Component times are those of the step's critical path
// before overlap: the slowest DP rank's attention-side work, the busiest EP rank's experts.
struct StepBreakdown {
  double step_s = 0;            // GPU time of the step
  double attention_s = 0;       // core attention (scores and values over the KV cache)
  double dense_gemm_s = 0;      // projections, dense FFN layers, router, shared experts, LM head
  double expert_gemm_s = 0;     // routed-expert GEMMs
  double dispatch_s = 0;        // MoE all-to-all, tokens to their experts
  double combine_s = 0;         // MoE all-to-all, expert outputs back
  double allreduce_s = 0;       // tensor-parallel all-reduce / all-gather / reduce-scatter, stage hand-offs
  double compute_s = 0;         // the computation the schedule ran (no communication)
  double exposed_comm_s = 0;    // step_s - compute_s: communication nothing hid
  double expert_imbalance = 1;  // busiest EP rank's routed load / the mean (1 without expert parallelism)
};

// What a cost model is built from. References outlive the model.
struct CostModelContext {
  const ModelSpec& model;
  const HardwareSpec& hardware;
  const EngineSpec& engine;
  const ParallelPlan& plan;
  const RoutingSpec& routing;
  std::uint64_t seed = 0;    // the run's seed (stochastic parts draw their own streams from it)
  bool memory_only = false;  // only rank_weight_bytes / rank_kv_bytes_per_token will be asked (plan checks)
};

class InstanceCostModel {
 public:
  virtual ~InstanceCostModel() = default;
  virtual std::string_view name() const = 0;
  // Prices one step: `ranks` holds every DP rank's batch (an idle rank's shape is all zeros).
  virtual void price(std::span<const StepShape> ranks, StepBreakdown& out) const = 0;
  // Memory: weights one DP rank's GPUs hold together, and KV bytes one cached token costs that rank.
  virtual double rank_weight_bytes() const = 0;
  virtual double rank_kv_bytes_per_token() const = 0;
};

using CostModelFactory = std::unique_ptr<InstanceCostModel>(const CostModelContext& context);
const NamedRegistry<CostModelFactory>& cost_model_registry();
// cost_model_registry().lookup(name).make(context): unknown names throw InputError (engine.cost_model).
std::unique_ptr<InstanceCostModel> make_cost_model(std::string_view name, const CostModelContext& context);

}  // namespace moelab::sim
