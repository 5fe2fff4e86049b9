#pragma once
// Summary metrics only disaggregated runs report (simulator/cluster/disaggregated_cluster.cpp
// appends them after summary_metrics()); find_summary_metric() knows them too, so a result file
// is written from their names alone (lab/runner/point_result.cpp).
#include <span>

#include "simulator/metrics/metric.hpp"

namespace moelab::sim::kv_transfer_metrics {

extern const MetricDefinition transfers;
extern const MetricDefinition transfer_bytes;
extern const MetricDefinition transfer_mean_s;
extern const MetricDefinition transfer_p50_s;
extern const MetricDefinition transfer_p99_s;
extern const MetricDefinition transfer_wait_p99_s;

// All of the above, in the order a run reports them.
std::span<const MetricDefinition* const> all();

}  // namespace moelab::sim::kv_transfer_metrics
