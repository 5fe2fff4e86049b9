#pragma once
// The event loop of a disaggregated cluster (pool_spec.hpp): arrivals go to a prefill instance
// (the prefill pool's router), which prefills the prompt and produces the first token; the KV then
// crosses the fabric to a decode instance (the decode pool's router) as a transfer event
// (kv_transfer.hpp), and the request decodes there without a second prefill.
//
// Time to first token: the first token is delivered with the KV, when the transfer completes
// (SGLang's and vLLM's PD modes stream every token, the first included, from the decode side), so
// TTFT = queueing + prefill + transfer. Waiting for room on the decode instance shows in TPOT.
//
// Instances are numbered across the cluster: prefill instances 0..P-1, decode instances P..P+D-1
// (request records' `replica` and the timeseries use these numbers).
#include <cstdint>
#include <memory>
#include <set>
#include <vector>

#include "simulator/cluster/kv_transfer.hpp"
#include "simulator/cluster/router.hpp"
#include "simulator/core/event_queue.hpp"
#include "simulator/engine/engine_instance.hpp"
#include "simulator/fabric/fabric.hpp"
#include "simulator/model/cost_model.hpp"
#include "simulator/simulate.hpp"

namespace moelab::sim {

class DisaggregatedCluster {
 public:
  // Validates both pools (InputError naming cluster.prefill.* / cluster.decode.*) and sizes their KV.
  explicit DisaggregatedCluster(const SimConfig& config);
  ~DisaggregatedCluster();
  RunResult run(Workload& workload, const ProgressFn& progress = {});

  std::int64_t kv_blocks_per_rank(PoolRole role) const { return pool(role).kv_blocks; }
  const KvTransferPath& transfer_path() const { return path_; }
  double kv_bytes_per_token() const { return kv_bytes_per_token_; }

 private:
  struct Pool {
    const PoolSpec* spec = nullptr;
    std::unique_ptr<InstanceCostModel> cost;
    Fabric fabric;
    std::int64_t kv_blocks = 0;
    std::int32_t first_index = 0;  // cluster-wide number of its instance 0
    std::unique_ptr<Router> router;
    std::vector<std::unique_ptr<EngineInstance>> instances;
    std::vector<ReplicaLoad> loads;
  };
  template <void (DisaggregatedCluster::*Fn)(double, std::int64_t)>
  struct Events final : EventHandler {
    DisaggregatedCluster* sim = nullptr;
    void on_event(const Event& e) override { (sim->*Fn)(e.time_s, e.payload); }
  };
  struct PrefillDone final : FinishListener {
    DisaggregatedCluster* sim = nullptr;
    void on_finished(const Request& r, double t) override { sim->on_prefill_done(r, t); }
    void on_rejected(const Request& r, double t) override { sim->on_request_rejected(r, t, false); }
  };
  struct DecodeDone final : FinishListener {
    DisaggregatedCluster* sim = nullptr;
    void on_finished(const Request& r, double t) override { sim->on_request_finished(r, t); }
    void on_rejected(const Request& r, double t) override { sim->on_request_rejected(r, t, true); }
  };

  const Pool& pool(PoolRole role) const { return role == PoolRole::prefill ? prefill_ : decode_; }
  void on_arrival_event(double now, std::int64_t);
  void on_step_end_event(double now, std::int64_t instance);
  void on_transfer_done_event(double now, std::int64_t request_id);
  void on_prefill_done(const Request& request, double now);
  void on_request_finished(const Request& request, double now);
  void on_request_rejected(const Request& request, double now, bool after_prefill);
  void schedule_arrival(double now);
  void take_arrivals(double now);
  void wake(EngineInstance& instance, double now);
  void note_step_start(const EngineInstance& instance, double now);
  void run_instance(EngineInstance& instance, double now);
  EngineInstance& instance(std::int64_t index);
  bool may_take_more() const;
  void build_pool(Pool& pool, FinishListener& listener);
  void check_invariants(RunResult& result) const;

  SimConfig config_;
  Pool prefill_, decode_;
  KvTransferPath path_;
  double kv_bytes_per_token_ = 0;

  // Per run.
  Workload* workload_ = nullptr;
  EventQueue queue_;
  Events<&DisaggregatedCluster::on_arrival_event> arrival_events_;
  Events<&DisaggregatedCluster::on_step_end_event> step_end_events_;
  Events<&DisaggregatedCluster::on_transfer_done_event> transfer_events_;
  PrefillDone prefill_done_;
  DecodeDone decode_done_;
  HandlerId arrival_handler_ = 0, step_end_handler_ = 0, transfer_handler_ = 0;
  std::multiset<double> pending_arrivals_;
  std::vector<Request> held_;              // by request id: the full request while it prefills
  std::vector<std::int32_t> transfer_of_;  // by request id: index into kv_transfers, -1 = none
  std::unique_ptr<NicSchedule> nics_;
  std::unique_ptr<KvTierStore> kv_tiers_;  // behind the prefill pool's prefix caches; null = off
  std::vector<double> step_start_s_;       // by prefill instance: start of its current step
  RunResult result_;
  std::int64_t taken_ = 0, finished_ = 0, transfers_done_ = 0;
  std::int64_t rejected_after_prefill_ = 0;  // prefilled (one token produced), then rejected by decode
  bool arrivals_closed_ = false;
};

}  // namespace moelab::sim
