#pragma once
// The per-run summary row (RunResult::summary): one value per entry of summary_metrics(), in that
// order (lab/ puts run, label and the swept parameters in front).
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "simulator/engine/kv_cache.hpp"
#include "simulator/metrics/metric.hpp"
#include "simulator/run_result.hpp"
#include "simulator/sim_config.hpp"

namespace moelab::sim {

// Whole-cluster accumulators gathered from the replicas.
struct RunTotals {
  std::int64_t replicas = 1;
  std::int64_t preemptions = 0;
  double input_gpu_s = 0;             // iteration time attributed to prefill (see Replica)
  double output_gpu_s = 0;            // ... to decode
  double kv_pinned_fraction_s = 0;    // sum over replicas of the integral of pinned/total blocks
  double kv_pinned_fraction_max = 0;  // max over replicas and iterations
  std::int64_t iterations = 0;        // engine steps, all instances
  double step_gpu_s = 0;              // sum of the cost model's step times, all instances
  double exposed_comm_s = 0;          // sum of their exposed communication
  double expert_imbalance_sum = 0;    // sum over steps of the step's expert imbalance
  KvCacheStats kv;                    // summed over replicas
  std::int64_t gpus = 0;              // every GPU of the cluster; 0 = replicas x the plan's GPUs
  double usd_per_hour = 0;            // the cluster's price; 0 = gpus x usd_per_gpu_hour (pools may differ)
};

// What summarize() gathers from the records before computing the metrics (summary.cpp).
struct RunAggregates;

// A summary metric: its definition and the function that computes it. Every definition (name,
// unit, type, description) and computation is in one table in summary.cpp.
struct SummaryMetric {
  MetricDefinition definition;
  double (*compute)(RunAggregates&);
};

std::span<const SummaryMetric> summary_metrics();
// The definition of the summary metric called `name`; nullptr when there is none.
const MetricDefinition* find_summary_metric(std::string_view name);

// The metrics over the requests this run took from the workload. Latencies are those of
// request_metrics.hpp over finished requests; percentiles interpolate linearly between closest
// ranks (numpy's default); a rate is 0 when its denominator is.
std::vector<Metric> summarize(const std::vector<RequestRecord>& records, const RunTotals& totals,
                              const SimConfig& config);

}  // namespace moelab::sim
