#pragma once
// One probe of a capacity search: simulate the point at one value (arrival rate or replicas),
// measure its steady-state window and judge it against the SLO; price_probe() then prices its
// tokens under a cost scenario (probes are shared by points that differ only in their costs).
#include <string>
#include <vector>

#include "lab/capacity/capacity_plan.hpp"
#include "simulator/economics/token_cost.hpp"

namespace moelab::lab {

struct ProbeRecord {
  double value = 0;           // what was searched: requests/s or replicas
  double requests_per_s = 0;  // the arrival rate (configured)
  std::int64_t replicas = 1;
  bool meets_slo = false;
  sim::WindowMetrics window;
  double busy_fraction = 0;  // replicas' iteration time / (replicas x simulated time)
  double prefill_share = 0;  // of busy time
  double cached_share_of_prefill = 0;
  double kv_utilization_max = 0;      // the run's /summary metric: does KV memory bind?
  std::int64_t preemptions = 0;       // the run's /summary metric
  double gpus = 0;                    // replicas x gpus_per_replica
  std::int64_t gpus_per_replica = 1;  // the parallel plan's GPUs (TP x DP x pipeline stages)
  std::int64_t tensor_parallel = 1;   // attention tensor parallelism
  std::vector<std::string> invariant_violations;
};

// A probe priced under one cost scenario.
struct PricedProbe {
  sim::GpuHourCost gpu_hour;  // at the probe's busy fraction
  sim::TokenCost tokens;
};
PricedProbe price_probe(const ProbeRecord& probe, const sim::CostModel& cost);

// Throws InputError when the window holds fewer than capacity.min_window_requests requests.
ProbeRecord run_probe(const ExperimentSource& source, const CapacityPlan& plan, const CapacityPoint& point,
                      double value);

// The SLO test: every windowed request finished, and the percentiles within the bounds set
// (a window without multi-token outputs has no TPOT and meets a TPOT bound trivially).
bool meets_slo(const sim::WindowMetrics& window, const CapacitySlo& slo);

}  // namespace moelab::lab
