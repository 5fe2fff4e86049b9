#pragma once
// What a simulation run returns; lab/ writes it to HDF5 (schema in lab/h5/SCHEMA.md).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "simulator/metrics/metric.hpp"

namespace moelab::sim {

struct RequestRecord {
  std::int64_t id = 0;
  double arrival_s = 0;
  double first_token_s = -1;  // -1 = never produced a token
  double finish_s = -1;       // -1 = unfinished when the run stopped
  std::int32_t prompt_tokens = 0;
  std::int32_t cached_tokens = 0;  // prompt tokens served from the prefix cache (last admission)
  std::int32_t output_tokens = 0;  // tokens generated (== requested when finished)
  std::int32_t preemptions = 0;
  std::int32_t replica = -1;       // engine instance
  std::int32_t dp_rank = -1;       // data-parallel rank inside the instance
  std::int64_t session_id = -1;
  std::int32_t turn = 0;
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
};

// One prefill->decode KV transfer (disaggregated runs only).
struct KvTransferRecord {
  std::int64_t request_id = 0;
  std::int32_t prefill_instance = -1;
  std::int32_t decode_instance = -1;
  double kv_bytes = 0;
  double ready_s = 0;   // the prefill finished
  double start_s = 0;   // the NICs of both sides were free
  double done_s = 0;    // the KV is on the decode instance
  double kv_transfer_s() const { return done_s - ready_s; }  // NIC queueing included
};

struct RunResult {
  std::vector<RequestRecord> requests;
  std::vector<TimePoint> timeseries;
  std::vector<Metric> summary;  // one row of /summary, in the order of summary_metrics()
  std::int64_t events = 0;      // discrete events processed
  std::int64_t iterations = 0;  // engine steps (decode runs count each step)
  double simulated_s = 0;
  std::vector<KvTransferRecord> kv_transfers;     // disaggregated runs: one per request that reached decode
  std::vector<std::string> invariant_violations;  // empty when all invariants hold
};

}  // namespace moelab::sim
