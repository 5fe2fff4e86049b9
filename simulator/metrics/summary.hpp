#pragma once
// The per-run summary row (RunResult::summary), in the order of lab/h5/SCHEMA.md's /summary
// columns from `requests` on (the lab adds run, label and swept parameters in front).
#include <cstdint>
#include <vector>

#include "simulator/engine/kv_cache.hpp"
#include "simulator/run_result.hpp"
#include "simulator/sim_config.hpp"

namespace moelab::sim {

// Whole-cluster accumulators gathered from the replicas.
struct RunTotals {
  std::int64_t replicas = 1;
  std::int64_t preemptions = 0;
  double input_gpu_s = 0;            // iteration time attributed to prefill (see Replica)
  double output_gpu_s = 0;           // ... to decode
  double kv_pinned_fraction_s = 0;   // sum over replicas of the integral of pinned/total blocks
  double kv_pinned_fraction_max = 0; // max over replicas and iterations
  KvCacheStats kv;                   // summed over replicas
};

// Definitions (all over the requests this run took from the workload):
//   duration_s        first arrival to last finish (or last event when nothing finished)
//   throughputs       finished requests' prompt / output tokens per duration_s
//   ttft/tpot/e2e     over finished requests; tpot = (finish - first token) / (output - 1), only
//                     for outputs > 1 token; percentiles by linear interpolation
//   goodput           finished requests meeting every SLO bound > 0, per duration_s; an undefined
//                     tpot (1-token output) meets the tpot bound; slo_attainment = that count /
//                     requests taken (unfinished requests miss)
//   kv_utilization    pinned blocks / total, time-averaged over duration_s x replicas (idle = 0)
//   gpu_hours         replicas x TP x duration_s / 3600; its dollars are split between input and
//                     output in proportion to iteration time attributed to prefill vs decode
std::vector<Metric> summarize(const std::vector<RequestRecord>& records, const RunTotals& totals,
                              const SimConfig& config);

}  // namespace moelab::sim
