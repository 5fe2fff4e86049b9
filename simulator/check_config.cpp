// Everything about a SimConfig that can be checked without simulating: the simulator checks it
// again when it starts, and `moelab validate` / the run planner check it for every sweep point
// before anything runs, so the two can never disagree. The per-pool checks of a disaggregated
// cluster live with DisaggregatedCluster (the planner builds one per point); KV room lives in
// kv_capacity_blocks (the planner and both clusters compute it).
#include <fmt/format.h>

#include "base/input_error.hpp"
#include "simulator/cluster/router.hpp"
#include "simulator/engine/kv_cache.hpp"
#include "simulator/engine/kv_tier_store.hpp"
#include "simulator/engine/scheduler.hpp"
#include "simulator/model/parallel_plan.hpp"
#include "simulator/model/param_count.hpp"
#include "simulator/simulate.hpp"

namespace moelab::sim {
namespace {

[[noreturn]] void bad(const std::string& key, const std::string& problem) { throw InputError({}, key, problem); }

}  // namespace

void check_config(const SimConfig& c) {
  if (c.stop.max_requests < 0) bad("stop.max_requests", "must be >= 0");
  if (c.stop.max_duration_s < 0) bad("stop.max_duration_s", "must be >= 0");
  if (c.timeseries_interval_s < 0) bad("timeseries_interval_s", "must be >= 0");
  if (!(c.hardware.peak_bf16_flops > 0)) bad("hardware.peak_bf16_tflops", "must be > 0");
  if (!(c.hardware.hbm_bytes_per_s > 0)) bad("hardware.hbm_tb_per_s", "must be > 0");
  // Policy names: unknown ones throw InputError listing the known ones.
  kv_cache_registry().lookup(c.engine.cache_policy);
  scheduler_registry().lookup(c.engine.scheduler);
  router_registry().lookup(c.cluster.router, {});
  if (c.cluster.disaggregation.enabled) return;  // the pools carry their own plans and limits
  if (c.cluster.replicas < 1) bad("cluster.replicas", "must be >= 1");
  const auto problems = validate_plan(c.cluster.parallel, c.model, c.hardware);
  if (!problems.empty()) bad(problems.front().key, problems.front().problem);
  router_registry().lookup(c.cluster.dp_dispatch, {});
  if (c.engine.max_num_seqs < 1) bad("engine.max_num_seqs", "must be >= 1");
  if (c.engine.max_batched_tokens < c.engine.max_num_seqs) {
    bad("engine.max_batched_tokens",
        fmt::format(
            "must be >= engine.max_num_seqs ({}): every running sequence decodes one token per iteration; got {}",
            c.engine.max_num_seqs, c.engine.max_batched_tokens));
  }
  if (c.engine.step_overhead_s < 0) bad("engine.step_overhead_s", "must be >= 0");
  validate_kv_tiers(c.cluster.kv_tiers, c.engine.kv_block_tokens, kv_bytes_per_token(c.model));
}

}  // namespace moelab::sim
