#pragma once
// One serving instance of the model: its data-parallel ranks (dp_rank.hpp) compose their batches,
// the instance prices the step once and every rank advances together. The instance also accounts
// GPU time for the cost per token and samples the timeseries.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "simulator/engine/dp_rank.hpp"
#include "simulator/engine/engine_spec.hpp"
#include "simulator/model/cost_model.hpp"
#include "simulator/run_result.hpp"

namespace moelab::sim {

// What one instance accumulates for the run summary.
struct InstanceTotals {
  std::int64_t iterations = 0;
  double busy_s = 0;                        // sum of iteration times
  double input_gpu_s = 0;                   // iteration time attributed to prefill work
  double output_gpu_s = 0;                  // ... and to decode work
  double kv_pinned_fraction_s = 0;          // integral of pinned/total over busy time
  double kv_pinned_fraction_max = 0;
};

class EngineInstance {
 public:
  EngineInstance(std::int32_t index, const EngineSpec& engine, const InstanceCostModel& cost, std::int64_t kv_blocks,
                 double timeseries_interval_s, std::vector<RequestRecord>& records,
                 std::vector<TimePoint>& timeseries, FinishListener& listener);

  // A request routed here at `now`; its record already exists (records[request.id]).
  void enqueue(Request&& request);
  // Composes and starts the next iteration at `now`; returns its end time, or nullopt when there
  // is nothing to run (the instance idles until the next enqueue).
  std::optional<double> start_iteration(double now);
  // Applies the iteration in flight, which ends at `now`.
  void end_iteration(double now);

  bool iterating() const { return iterating_; }
  std::int32_t index() const { return index_; }
  std::int64_t running() const { return rank_.running(); }
  std::int64_t waiting() const { return rank_.waiting(); }
  const DpRank& rank() const { return rank_; }
  const InstanceTotals& totals() const { return totals_; }

 private:
  void account_iteration(const StepShape& shape, double now, double dt);

  std::int32_t index_;
  const EngineSpec& engine_;
  const InstanceCostModel& cost_;
  double price(const StepShape& shape) const;
  DpRank rank_;
  double timeseries_interval_s_;
  double next_sample_s_ = 0;
  std::vector<TimePoint>& timeseries_;
  bool iterating_ = false;
  InstanceTotals totals_;
};

}  // namespace moelab::sim
