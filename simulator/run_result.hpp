#pragma once
// What a simulation run returns; lab/ writes it to HDF5 (schema in lab/h5/SCHEMA.md).
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "simulator/metrics/metric.hpp"

namespace moelab::sim {

// Why a request was dropped at admission: it could never run on this replica, whatever the load.
enum class UnservableReason : std::uint8_t {
  none = 0,
  exceeds_kv_cache,      // prompt + output tokens need more KV blocks than the whole cache holds
  exceeds_batch_budget,  // without chunked prefill, the prompt is longer than max_batched_tokens
};
// "" for none; otherwise the enumerator's name (the HDF5 column requests.unservable_reason).
inline std::string_view unservable_reason_name(UnservableReason reason) {
  switch (reason) {
    case UnservableReason::exceeds_kv_cache:
      return "exceeds_kv_cache";
    case UnservableReason::exceeds_batch_budget:
      return "exceeds_batch_budget";
    case UnservableReason::none:
      break;
  }
  return "";
}

struct RequestRecord {
  std::int64_t id = 0;
  double arrival_s = 0;
  double first_token_s = -1;  // -1 = never produced a token
  double finish_s = -1;       // -1 = unfinished when the run stopped
  std::int32_t prompt_tokens = 0;
  std::int32_t cached_tokens = 0;  // prompt tokens served from the prefix cache (last admission)
  std::int32_t output_tokens = 0;  // requested; a finished request generated exactly these (checked)
  std::int32_t preemptions = 0;
  std::int32_t replica = -1;  // engine instance
  std::int32_t dp_rank = -1;  // data-parallel rank inside the instance
  std::int64_t session_id = -1;
  std::int32_t turn = 0;
  UnservableReason unservable = UnservableReason::none;  // sits in the tail padding after `turn`
};

struct TimePoint {
  double t_s = 0;
  std::int32_t replica = 0;
  std::int32_t running = 0;
  std::int32_t waiting = 0;
  std::int64_t kv_blocks_pinned = 0;
  std::int64_t kv_blocks_cached = 0;
  std::int64_t kv_blocks_total = 0;
  std::int64_t batch_tokens = 0;  // tokens in the iteration that produced this sample
  // That iteration's GPU time and its breakdown (the cost model's StepBreakdown; metrics/timeseries_metrics.hpp).
  double step_s = 0, attention_s = 0, dense_gemm_s = 0, expert_gemm_s = 0, dispatch_s = 0, combine_s = 0,
         allreduce_s = 0, exposed_comm_s = 0, expert_imbalance = 1;
};

// One prefill->decode KV transfer (disaggregated runs only).
struct KvTransferRecord {
  std::int64_t request_id = 0;
  std::int32_t prefill_instance = -1;
  std::int32_t decode_instance = -1;
  double kv_bytes = 0;
  double ready_s = 0;                                        // the prefill finished
  double start_s = 0;                                        // the NICs of both sides were free
  double done_s = 0;                                         // the KV is on the decode instance
  double kv_transfer_s() const { return done_s - ready_s; }  // NIC queueing included
};

struct RunResult {
  std::vector<RequestRecord> requests;
  std::vector<TimePoint> timeseries;
  std::vector<Metric> summary;  // one row of /summary, in the order of summary_metrics()
  std::int64_t events = 0;      // discrete events processed
  std::int64_t iterations = 0;  // engine steps (decode runs count each step)
  double simulated_s = 0;
  // Iteration time attributed to prefill and to decode work (the split of simulator/engine/README.md),
  // summed over replicas: their sum is the replicas' busy time. Not written to /summary; the
  // capacity search (lab/capacity/) prices GPU time and power from them.
  double prefill_busy_s = 0;
  double decode_busy_s = 0;
  std::vector<KvTransferRecord> kv_transfers;     // disaggregated runs: one per request that reached decode
  std::vector<std::string> invariant_violations;  // empty when all invariants hold
};

}  // namespace moelab::sim
