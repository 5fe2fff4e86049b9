#pragma once
// One serving instance of the model: its data-parallel ranks (dp_rank.hpp, one with plain tensor
// parallelism) each compose a batch; the instance prices the step once with the cost model and
// every rank advances together (lockstep: the MoE layers synchronise the ranks, so the slowest
// rank's attention sets the step). A request reaching the instance goes to a rank chosen by the
// DP dispatch policy (a router over ranks). The instance also accounts GPU time for the cost per
// token and samples the timeseries (sums over its ranks).
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "simulator/cluster/router.hpp"
#include "simulator/engine/dp_rank.hpp"
#include "simulator/engine/engine_spec.hpp"
#include "simulator/model/cost_model.hpp"
#include "simulator/run_result.hpp"

namespace moelab::sim {

// A tiered KV store behind the instance's prefix caches (kv_cache_tiered.hpp), or none.
struct KvTierAttachment {
  KvTierStore* store = nullptr;
  double kv_bytes_per_token_per_gpu = 0;  // what each GPU of a rank loads per token
};

// What one instance accumulates for the run summary.
struct InstanceTotals {
  std::int64_t iterations = 0;
  double busy_s = 0;                // sum of iteration times
  double input_gpu_s = 0;           // iteration time attributed to prefill work
  double output_gpu_s = 0;          // ... and to decode work
  double kv_pinned_fraction_s = 0;  // integral of pinned/total over busy time
  double kv_pinned_fraction_max = 0;
  double step_gpu_s = 0;            // sum of the cost model's step times (no CPU overhead)
  double exposed_comm_s = 0;        // ... and of their exposed communication
  double expert_imbalance_sum = 0;  // sum over iterations of the step's expert imbalance
  double kv_tier_load_s = 0;        // step time spent waiting for KV loads from lower tiers
};

class EngineInstance {
 public:
  // `dp_ranks` ranks of `kv_blocks_per_rank` KV blocks each; `dispatch` picks a rank per request.
  EngineInstance(std::int32_t index, const EngineSpec& engine, const InstanceCostModel& cost, std::int64_t dp_ranks,
                 std::int64_t kv_blocks_per_rank, std::unique_ptr<Router> dispatch, double timeseries_interval_s,
                 std::vector<RequestRecord>& records, std::vector<TimePoint>& timeseries, FinishListener& listener,
                 const KvTierAttachment& tiers = {});

  // A request routed here at `now`; its record already exists (records[request.id]).
  void enqueue(Request&& request);
  // A request whose KV was prefilled on another instance and has arrived (DpRank::enqueue_transferred).
  void enqueue_transferred(Request&& request);
  // Composes and starts the next iteration at `now`; returns its end time, or nullopt when there
  // is nothing to run (the instance idles until the next enqueue).
  std::optional<double> start_iteration(double now);
  // Applies the iteration in flight, which ends at `now`.
  void end_iteration(double now);

  bool iterating() const { return iterating_; }
  std::int32_t index() const { return index_; }
  std::int64_t running() const { return load().running; }
  std::int64_t waiting() const { return load().waiting; }
  double kv_used_fraction() const { return load().kv_used_fraction; }  // pinned KV blocks / all, over its ranks
  // Sums over the ranks, recomputed only after the ranks changed (the router asks for every
  // instance's load at every arrival; an instance of 128 ranks would be walked each time).
  ReplicaLoad load() const;
  // Prompt tokens of `request` the best rank's prefix cache would serve now (no state change).
  std::int64_t cached_prefix_tokens(const Request& request) const;
  const std::vector<std::unique_ptr<DpRank>>& ranks() const { return ranks_; }
  const InstanceTotals& totals() const { return totals_; }

 private:
  std::size_t pick_rank(const Request& request);
  ReplicaLoad rank_load(std::size_t rank) const;
  void account_iteration(double now, double dt, const StepBreakdown& step);
  double price(std::span<const StepShape> shapes) const;
  // Compute time of one prompt prefilled alone on rank 0 from `cached` tokens on (load-or-recompute).
  double prefill_alone_s(std::int64_t cached, std::int64_t prompt) const;

  std::int32_t index_;
  const EngineSpec& engine_;
  const InstanceCostModel& cost_;
  std::vector<std::unique_ptr<DpRank>> ranks_;
  std::unique_ptr<Router> dispatch_;
  std::vector<ReplicaLoad> rank_loads_;      // per rank, for dp dispatch; valid while ranks_changed_ is false
  bool ranks_changed_ = true;                // a step composed or applied since the loads were read
  mutable std::optional<ReplicaLoad> load_;  // sum over ranks; reset when a rank changes
  std::vector<RequestRecord>& records_;
  std::vector<StepShape> shapes_, split_;  // this step's per-rank batches; scratch for cost attribution
  double timeseries_interval_s_;
  double next_sample_s_ = 0;
  std::vector<TimePoint>& timeseries_;
  bool iterating_ = false;
  InstanceTotals totals_;
};

}  // namespace moelab::sim
