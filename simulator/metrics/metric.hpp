#pragma once
// What a metric is, defined once next to the code that computes it: the run summary's metrics in
// summary.cpp, the per-request values in request_metrics.cpp. lab/ takes the HDF5 column units and
// descriptions from these definitions, and `moelab list metrics` prints them (the metric tables of
// lab/h5/SCHEMA.md are that output; a test keeps them equal).
#include <string_view>

namespace moelab::sim {

enum class MetricType {
  count,  // a number of things: stored as int64
  real,   // stored as float64; NaN when undefined (e.g. a percentile of no values)
};

struct MetricDefinition {
  std::string_view name;  // carries its unit as a suffix where it has one: "ttft_p99_s"
  std::string_view unit;  // "s", "tokens/s", "USD/Mtok", ...; "" when dimensionless
  MetricType type = MetricType::real;
  std::string_view description;  // one line: what it measures and how it is computed
};

// One computed value of a metric. `definition` points into a static table (summary_metrics(),
// request_metrics()), so it outlives every Metric.
struct Metric {
  const MetricDefinition* definition = nullptr;
  double value = 0;
  std::string_view name() const { return definition->name; }
};

}  // namespace moelab::sim
