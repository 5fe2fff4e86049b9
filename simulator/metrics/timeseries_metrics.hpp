#pragma once
// The per-step cost columns of /runs/NNNN/timeseries: the sampled iteration's GPU time and where
// it went, as the instance's cost model priced it (StepBreakdown, simulator/model/cost_model.hpp).
// lab/ writes one column per entry, after the recorded ones.
#include <span>

#include "simulator/metrics/metric.hpp"
#include "simulator/run_result.hpp"

namespace moelab::sim {

struct TimeseriesMetric {
  MetricDefinition definition;
  double (*of)(const TimePoint&);
};

std::span<const TimeseriesMetric> timeseries_metrics();

}  // namespace moelab::sim
