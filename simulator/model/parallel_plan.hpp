#pragma once
// How one serving instance spreads the model over GPUs: attention tensor parallelism (TP) inside
// each data-parallel attention rank (DP), expert parallelism (EP) for the routed experts (each EP
// rank may split its experts over expert_tp GPUs), optional pipeline stages, and redundant expert
// copies. Placement: GPU g of the instance (0-based) sits on node g / gpus_per_node and in NVLink
// domain g / nvlink_domain_gpus; g = (stage * DP + dp_rank) * TP + tp_rank (TP innermost), and EP
// rank e of a stage owns its GPUs [e * expert_tp, (e + 1) * expert_tp).
//
// Config: [cluster.parallel] (lab/experiment/simulation_plan.cpp); `cluster.tensor_parallel = N`
// is shorthand for {attention_tp = N, attention_dp = 1, expert_parallel = 1} (experts split over
// the same N GPUs, as before plans existed). Giving both is an error.
#include <cstdint>
#include <string>
#include <vector>

#include "simulator/model/hardware_spec.hpp"
#include "simulator/model/model_spec.hpp"

namespace moelab::sim {

struct ParallelPlan {
  std::int64_t attention_tp = 1;       // GPUs per DP rank, heads split over them
  std::int64_t attention_dp = 1;       // data-parallel attention ranks (own KV cache and scheduler each)
  std::int64_t expert_parallel = 1;    // EP ranks the routed experts are spread over
  std::int64_t expert_tp = 0;          // GPUs per EP rank; 0 = attention_tp * attention_dp / expert_parallel
  std::int64_t pipeline_stages = 1;    // layers split over stages, one batch in flight
  std::int64_t redundant_experts = 0;  // extra expert copies placed by the load balancer (EPLB)
  bool tp_across_nodes = false;        // allow TP (or expert TP) wider than the NVLink domain
  bool from_shorthand = false;         // written as cluster.tensor_parallel (names errors after it)

  static ParallelPlan tensor_parallel(std::int64_t tp);

  std::int64_t gpus_per_stage() const { return attention_tp * attention_dp; }
  std::int64_t gpus() const { return gpus_per_stage() * pipeline_stages; }
  std::int64_t resolved_expert_tp() const {
    return expert_tp > 0 ? expert_tp : (expert_parallel > 0 ? gpus_per_stage() / expert_parallel : 0);
  }
  // The config key a problem with `field` is reported at ("cluster.parallel.attention_tp", or
  // "cluster.tensor_parallel" for a plan written as the shorthand).
  std::string key(const std::string& field) const;
};

// A problem with a plan, at the config key whose value causes it.
struct PlanProblem {
  std::string key;
  std::string problem;
};

// Every reason `plan` cannot run `model` on `hardware` (empty when it can): degrees >= 1, heads
// divisible by TP, KV heads vs TP, (experts + redundant) divisible by EP, EP x expert_tp = TP x DP,
// whole nodes, TP and expert TP inside the NVLink domain unless tp_across_nodes.
std::vector<PlanProblem> validate_plan(const ParallelPlan& plan, const ModelSpec& model, const HardwareSpec& hardware);

// How the GPUs of one group (a TP group, the EP ranks of a stage) sit on the fabric.
struct GroupSpan {
  std::int64_t members = 1;             // ranks in the group
  std::int64_t members_per_domain = 1;  // of them inside one NVLink domain
  std::int64_t domains = 1;             // NVLink domains the group spans
  bool crosses_domains() const { return domains > 1; }
};

// Spans of the plan's groups on `hardware` (TP innermost, groups aligned to their size).
GroupSpan attention_tp_span(const ParallelPlan& plan, const HardwareSpec& hardware);
// EP ranks of one stage: members = expert_parallel, per domain = EP ranks sharing a domain.
GroupSpan expert_parallel_span(const ParallelPlan& plan, const HardwareSpec& hardware);
GroupSpan expert_tp_span(const ParallelPlan& plan, const HardwareSpec& hardware);
// All GPUs of one stage (the group a TP-sharded MoE gathers over when DP > 1).
GroupSpan stage_span(const ParallelPlan& plan, const HardwareSpec& hardware);
// Nodes the instance occupies (a plan smaller than a node occupies one).
std::int64_t plan_nodes(const ParallelPlan& plan, const HardwareSpec& hardware);

}  // namespace moelab::sim
