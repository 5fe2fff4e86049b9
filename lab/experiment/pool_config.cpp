#include "lab/experiment/pool_config.hpp"

#include "lab/config/key_ranges.hpp"
#include "lab/config/spec_loaders.hpp"
#include "simulator/cluster/router.hpp"

namespace moelab::lab {

void read_parallel_plan(config::StrictTable& p, sim::ParallelPlan& plan, std::string& dp_dispatch) {
  plan.attention_tp = p.integer_in_or("attention_tp", config::ranges::kParallelDegree, 1);
  plan.attention_dp = p.integer_in_or("attention_dp", config::ranges::kParallelDegree, 1);
  plan.expert_parallel = p.integer_in_or("expert_parallel", config::ranges::kParallelDegree, 1);
  plan.expert_tp = p.has("expert_tp") ? p.integer_in("expert_tp", config::ranges::kParallelDegree) : 0;
  plan.pipeline_stages = p.integer_in_or("pipeline_stages", config::ranges::kParallelDegree, 1);
  plan.redundant_experts = p.integer_in_or("redundant_experts", config::ranges::kExperts, 0);
  plan.tp_across_nodes = p.boolean_or("tp_across_nodes", false);
  dp_dispatch = p.choice_or("dp_dispatch", sim::router_registry().names(), dp_dispatch);
  p.finish();
}

namespace {

sim::PoolSpec read_pool(config::StrictTable& t, sim::PoolRole role, const sim::SimConfig& c) {
  sim::PoolSpec pool;
  pool.role = role;
  pool.hardware = c.hardware;
  pool.parallel = c.cluster.parallel;
  pool.engine = c.engine;
  pool.dp_dispatch = c.cluster.dp_dispatch;
  pool.instances = t.integer_in("instances", config::ranges::kReplicas);
  pool.router = t.choice_or("router", sim::router_registry().names(), pool.router);
  pool.engine.max_num_seqs = t.integer_in_or("max_num_seqs", config::ranges::kMaxNumSeqs, pool.engine.max_num_seqs);
  pool.engine.max_batched_tokens =
      t.integer_in_or("max_batched_tokens", config::ranges::kBatchedTokens, pool.engine.max_batched_tokens);
  if (auto h = t.table_if_present("hardware")) {
    pool.hardware = config::load_hardware(*h);
    h->finish();
    pool.usd_per_gpu_hour = pool.hardware.usd_per_gpu_hour;
  }
  if (auto p = t.table_if_present("parallel")) {
    pool.parallel = sim::ParallelPlan{};
    read_parallel_plan(*p, pool.parallel, pool.dp_dispatch);
  }
  t.finish();
  return pool;
}

}  // namespace

void read_pools(config::StrictTable& cluster, sim::SimConfig& c) {
  const bool prefill = cluster.has("prefill"), decode = cluster.has("decode");
  if (!prefill && !decode) {
    if (cluster.has("kv_transfer"))
      cluster.fail("kv_transfer", "applies to a disaggregated cluster only ([cluster.prefill] and [cluster.decode])");
    return;
  }
  if (!prefill || !decode)
    cluster.fail(prefill ? "prefill" : "decode",
                 "a disaggregated cluster needs both [cluster.prefill] and [cluster.decode]");
  if (cluster.has("replicas"))
    cluster.fail("replicas", "with [cluster.prefill] and [cluster.decode], give each pool's instances instead");
  auto& d = c.cluster.disaggregation;
  d.enabled = true;
  d.layerwise_kv_transfer = cluster.choice_or("kv_transfer", {"whole", "layerwise"}, "whole") == "layerwise";
  {
    auto t = cluster.table("prefill");
    d.prefill = read_pool(t, sim::PoolRole::prefill, c);
  }
  {
    auto t = cluster.table("decode");
    d.decode = read_pool(t, sim::PoolRole::decode, c);
  }
}

void price_pools(sim::SimConfig& c, bool cost_overridden) {
  for (sim::PoolSpec* p : {&c.cluster.disaggregation.prefill, &c.cluster.disaggregation.decode}) {
    if (p->usd_per_gpu_hour == 0 || cost_overridden) p->usd_per_gpu_hour = c.usd_per_gpu_hour;
  }
}

}  // namespace moelab::lab
