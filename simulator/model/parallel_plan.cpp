#include "simulator/model/parallel_plan.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace moelab::sim {
namespace {

GroupSpan span_of(std::int64_t members, std::int64_t gpus_per_member, std::int64_t domain_gpus) {
  GroupSpan s;
  s.members = members;
  const std::int64_t gpus = members * gpus_per_member;
  const std::int64_t domain = std::max<std::int64_t>(domain_gpus, 1);
  s.members_per_domain =
      std::max<std::int64_t>(1, std::min(members, domain / std::max<std::int64_t>(gpus_per_member, 1)));
  s.domains = std::max<std::int64_t>(1, (gpus + domain - 1) / domain);
  return s;
}

}  // namespace

ParallelPlan ParallelPlan::tensor_parallel(std::int64_t tp) {
  ParallelPlan p;
  p.attention_tp = tp;
  p.from_shorthand = true;
  return p;
}

std::string ParallelPlan::key(const std::string& field) const {
  if (from_shorthand && field == "attention_tp") return "cluster.tensor_parallel";
  return "cluster.parallel." + field;
}

std::vector<PlanProblem> validate_plan(const ParallelPlan& p, const ModelSpec& m, const HardwareSpec& hw) {
  std::vector<PlanProblem> out;
  auto fail = [&](const std::string& field, std::string problem) { out.push_back({p.key(field), std::move(problem)}); };
  if (p.attention_tp < 1) fail("attention_tp", fmt::format("must be >= 1, got {}", p.attention_tp));
  if (p.attention_dp < 1) fail("attention_dp", fmt::format("must be >= 1, got {}", p.attention_dp));
  if (p.expert_parallel < 1) fail("expert_parallel", fmt::format("must be >= 1, got {}", p.expert_parallel));
  if (p.expert_tp < 0) fail("expert_tp", fmt::format("must be >= 1 (or left out), got {}", p.expert_tp));
  if (p.pipeline_stages < 1) fail("pipeline_stages", fmt::format("must be >= 1, got {}", p.pipeline_stages));
  if (p.redundant_experts < 0) fail("redundant_experts", fmt::format("must be >= 0, got {}", p.redundant_experts));
  if (!out.empty()) return out;

  if (m.n_heads % p.attention_tp != 0)
    fail("attention_tp",
         fmt::format("{} attention heads of {} do not split over {} GPUs", m.n_heads, m.id, p.attention_tp));
  if (m.attention == AttentionKind::gqa && m.n_kv_heads % p.attention_tp != 0 && p.attention_tp % m.n_kv_heads != 0)
    fail("attention_tp", fmt::format("{} KV heads of {} neither split over nor replicate evenly on {} GPUs",
                                     m.n_kv_heads, m.id, p.attention_tp));
  if (p.pipeline_stages > m.n_layers)
    fail("pipeline_stages", fmt::format("{} stages for {} layers", p.pipeline_stages, m.n_layers));

  const std::int64_t stage_gpus = p.gpus_per_stage();
  if (!m.is_moe()) {
    if (p.attention_dp != 1)
      fail("attention_dp",
           fmt::format("{} is a dense model: nothing synchronises data-parallel ranks; use cluster.replicas", m.id));
    if (p.expert_parallel != 1)
      fail("expert_parallel", fmt::format("{} is a dense model: expert_parallel must be 1", m.id));
    if (p.redundant_experts != 0)
      fail("redundant_experts", fmt::format("{} is a dense model: no experts to replicate", m.id));
  } else {
    const std::int64_t physical = m.moe.n_routed_experts + p.redundant_experts;
    if (physical % p.expert_parallel != 0) {
      const std::string field = p.redundant_experts > 0 ? "redundant_experts" : "expert_parallel";
      fail(field, fmt::format("{} routed + {} redundant experts do not split evenly over {} EP ranks",
                              m.moe.n_routed_experts, p.redundant_experts, p.expert_parallel));
    }
    if (p.redundant_experts > 0 && p.expert_parallel == 1)
      fail("redundant_experts", "redundant experts need expert_parallel > 1 (with EP 1 every GPU holds every expert)");
  }
  if (p.resolved_expert_tp() * p.expert_parallel != stage_gpus) {
    const std::string field = p.expert_tp > 0 ? "expert_tp" : "expert_parallel";
    fail(field,
         fmt::format("expert_parallel x expert_tp must equal attention_tp x attention_dp = {} GPUs per stage, got "
                     "{} x {}",
                     stage_gpus, p.expert_parallel, p.expert_tp > 0 ? p.expert_tp : stage_gpus / p.expert_parallel));
  }
  if (!out.empty()) return out;

  // Fabric: whole nodes, and TP groups inside one NVLink domain unless explicitly allowed.
  const std::int64_t node = hw.gpus_per_node, domain = hw.nvlink_domain_gpus;
  if (node < 1 || domain < 1) {
    fail("attention_tp", fmt::format("hardware {} gives no gpus_per_node / nvlink_domain_gpus", hw.id));
    return out;
  }
  const std::int64_t world = p.gpus();
  if (world > node && world % node != 0)
    fail(p.attention_dp > 1 ? "attention_dp" : "attention_tp",
         fmt::format("the plan uses {} GPUs: more than one {}-GPU node of {} but not whole nodes", world, node, hw.id));
  auto check_domain = [&](const std::string& field, std::int64_t width, const char* what) {
    const bool aligned = width <= domain ? domain % width == 0 : width % domain == 0;
    if (width > domain && !p.tp_across_nodes) {
      fail(field,
           fmt::format("{} {} is wider than the {}-GPU NVLink domain of {}; set cluster.parallel.tp_across_nodes = "
                       "true to run it over the scale-out network",
                       what, width, domain, hw.id));
    } else if (!aligned) {
      fail(field, fmt::format("{} {} groups would straddle {}-GPU NVLink domains of {}", what, width, domain, hw.id));
    }
  };
  check_domain("attention_tp", p.attention_tp, "tensor parallelism");
  if (m.is_moe() && p.resolved_expert_tp() > 1 && p.resolved_expert_tp() != p.attention_tp)
    check_domain(p.expert_tp > 0 ? "expert_tp" : "expert_parallel", p.resolved_expert_tp(), "expert TP");
  return out;
}

GroupSpan attention_tp_span(const ParallelPlan& p, const HardwareSpec& hw) {
  return span_of(p.attention_tp, 1, hw.nvlink_domain_gpus);
}

GroupSpan expert_parallel_span(const ParallelPlan& p, const HardwareSpec& hw) {
  return span_of(p.expert_parallel, p.resolved_expert_tp(), hw.nvlink_domain_gpus);
}

GroupSpan expert_tp_span(const ParallelPlan& p, const HardwareSpec& hw) {
  return span_of(p.resolved_expert_tp(), 1, hw.nvlink_domain_gpus);
}

GroupSpan stage_span(const ParallelPlan& p, const HardwareSpec& hw) {
  return span_of(p.gpus_per_stage(), 1, hw.nvlink_domain_gpus);
}

std::int64_t plan_nodes(const ParallelPlan& p, const HardwareSpec& hw) {
  const std::int64_t node = std::max<std::int64_t>(hw.gpus_per_node, 1);
  return std::max<std::int64_t>(1, (p.gpus() + node - 1) / node);
}

}  // namespace moelab::sim
