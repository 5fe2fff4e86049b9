#pragma once
// The event loop: arrivals from the workload are routed to engine instances (replicas); instances
// iterate; finishes go back to the workload (closed-loop sessions). Exposed apart from simulate() so tests can drive
// it with their own Workload.
//
// Stop condition: requests are taken from the workload until max_requests have been taken or
// the next arrival lies after max_duration_s (whichever comes first; 0 = no limit); then no more
// arrivals are taken and the run drains: every admitted request runs to completion.
#include <cstdint>
#include <memory>
#include <set>
#include <vector>

#include "simulator/cluster/router.hpp"
#include "simulator/core/event_queue.hpp"
#include "simulator/engine/engine_instance.hpp"
#include "simulator/model/cost_model.hpp"
#include "simulator/simulate.hpp"

namespace moelab::sim {

class ClusterSimulator final : private FinishListener {
 public:
  // Validates the config's engine and cluster parts (InputError) and sizes the KV caches.
  explicit ClusterSimulator(const SimConfig& config);
  ~ClusterSimulator() override;
  RunResult run(Workload& workload, const ProgressFn& progress = {});

  std::int64_t kv_blocks_per_replica() const { return kv_blocks_; }

 private:
  // Event handlers: arrivals (payload unused) and instance step ends (payload = instance index).
  struct ArrivalEvents final : EventHandler {
    ClusterSimulator* sim = nullptr;
    void on_event(const Event& e) override { sim->on_arrival_event(e.time_s); }
  };
  struct StepEndEvents final : EventHandler {
    ClusterSimulator* sim = nullptr;
    void on_event(const Event& e) override { sim->on_step_end_event(e.time_s, e.payload); }
  };

  void on_finished(const Request& request, double finish_s) override;
  void on_arrival_event(double now);
  void on_step_end_event(double now, std::int64_t instance);
  void on_rejected(const Request& request, double now_s) override;
  void schedule_arrival(double now);
  void take_arrivals(double now);
  void run_instance(EngineInstance& instance, double now);
  bool may_take_more() const;
  void check_invariants(RunResult& result) const;

  SimConfig config_;
  std::unique_ptr<InstanceCostModel> cost_;
  std::int64_t kv_blocks_ = 0;
  std::unique_ptr<Router> router_;

  // Per run.
  Workload* workload_ = nullptr;
  EventQueue queue_;
  ArrivalEvents arrival_events_;
  StepEndEvents step_end_events_;
  HandlerId arrival_handler_ = 0;
  HandlerId step_end_handler_ = 0;
  std::multiset<double> pending_arrivals_;  // times of arrival events in the queue
  std::vector<std::unique_ptr<EngineInstance>> instances_;
  std::unique_ptr<KvTierStore> kv_tiers_;  // [cluster.kv_tiers], shared by every instance; null = off
  std::vector<ReplicaLoad> loads_;
  RunResult result_;
  std::int64_t taken_ = 0;
  std::int64_t finished_ = 0;
  bool arrivals_closed_ = false;
};

}  // namespace moelab::sim
