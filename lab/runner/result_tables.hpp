#pragma once
// RunResult -> the HDF5 tables of lab/h5/SCHEMA.md (requests, timeseries, the /summary rows).
#include <string>
#include <vector>

#include "lab/experiment/simulation_plan.hpp"
#include "lab/h5/table.hpp"
#include "simulator/run_result.hpp"

namespace moelab::lab {

// One row per request, then the derived columns of sim::request_metrics() (ttft_s, tpot_s, e2e_s;
// NaN when undefined).
h5::Table requests_table(const std::vector<sim::RequestRecord>& requests);
// Disaggregated runs: one row per prefill->decode KV transfer.
h5::Table kv_transfers_table(const std::vector<sim::KvTransferRecord>& transfers);
// One row per sample; kv_utilization = kv_blocks_pinned / kv_blocks_total (0 when total is 0).
h5::Table timeseries_table(const std::vector<sim::TimePoint>& timeseries);
// run, label, one column per swept key, then the metrics in the order the simulator reports them,
// with their definitions' units; count metrics (sim::MetricType::count) are int64 columns.
h5::Table summary_table(const SimulationPlan& plan, const std::vector<std::vector<sim::Metric>>& metrics_per_run);

// Unit of a swept config key, read from its name's suffix ("rate_per_s" -> "1/s"; "" when the
// suffix names none). Metrics carry their units in their definitions; config keys are defined by
// their readers in lab/config and follow the naming rule instead (names carry their units).
std::string config_key_unit(const std::string& name);

}  // namespace moelab::lab
