#pragma once
// One data-parallel rank of an engine instance: its own waiting queue, scheduler and paged KV
// cache, composing iteration-level continuous batches. It decides WHAT runs in a step; the
// instance that owns it (engine_instance.hpp) decides how long the step takes.
//
// Each iteration (vLLM-style chunked-prefill scheduling, decodes first):
//   1. every decoding sequence gets one token; one that crosses a KV block boundary reserves a
//      block, and if the cache is full the most recently admitted running sequence is preempted
//      (recompute: its KV is dropped, it returns to the front of the waiting queue, and on
//      re-admission prefills prompt + generated tokens again);
//   2. sequences still prefilling get the next chunk of their prompt from the leftover token
//      budget (max_batched_tokens - decodes);
//   3. if nothing was preempted, waiting sequences are admitted in scheduler order while
//      max_num_seqs, the token budget and the KV cache allow; without chunked prefill a prompt
//      must fit the budget whole.
// Decoding sequences are never walked: their KV lengths follow from one per-rank decode counter,
// finishes sit in a min-heap and block crossings in a timing wheel, both keyed by that counter,
// so a decode step costs O(1) plus O(log n) per finish and O(1) per block crossing.
#include <cstdint>
#include <deque>
#include <memory>
#include <queue>
#include <vector>

#include "simulator/engine/engine_spec.hpp"
#include "simulator/engine/kv_cache.hpp"
#include "simulator/engine/kv_cache_tiered.hpp"
#include "simulator/engine/scheduler.hpp"
#include "simulator/engine/sequence.hpp"
#include "simulator/model/step_cost.hpp"
#include "simulator/run_result.hpp"

namespace moelab::sim {

// Told when a request finishes (closed-loop workloads release the next turn).
class FinishListener {
 public:
  virtual ~FinishListener() = default;
  virtual void on_finished(const Request& request, double finish_s) = 0;
  // Rejected as unservable at `now_s` (the start of the iteration that found it): unfinished.
  virtual void on_rejected(const Request& /*request*/, double /*now_s*/) {}
};

// What one rank accumulates for the invariant checks and the run summary.
struct DpRankTotals {
  std::int64_t preemptions = 0;
  std::int64_t rejected = 0;          // could never run (too long for KV, or for the budget without chunking)
  std::int64_t generated_tokens = 0;  // output tokens produced by iterations
  std::int64_t prefill_targets = 0;   // sum over completed admissions of tokens needed
  std::int64_t prefill_cached_plus_computed = 0;  // ... and of cached + computed chunk tokens
  std::int64_t prefill_mismatches = 0;            // admissions where the two differed
  std::int64_t output_mismatches = 0;             // finishes with generated != requested
};

class DpRank {
 public:
  // With `tiers`, the rank's prefix cache has the tiered store behind it (kv_cache_tiered.hpp).
  DpRank(std::int32_t index, const EngineSpec& engine, std::int64_t kv_blocks, std::vector<RequestRecord>& records,
         FinishListener& listener, KvTierStore* tiers = nullptr, KvTierCosts tier_costs = {});

  // A request assigned to this rank; its record already exists (records[request.id]).
  void enqueue(Request&& request);
  // A request whose prompt was prefilled elsewhere and whose KV has arrived (disaggregation): it
  // waits like any other, and at admission reserves KV for the prompt and its first decode step
  // and starts decoding at once (the first token came from the prefill instance).
  void enqueue_transferred(Request&& request);
  // Composes the next iteration into `shape` (which must start zeroed). False when there is
  // nothing to run: then no iteration is in flight on this rank.
  bool compose(StepShape& shape, double now_s);
  // Applies the composed iteration, which ends at `now`.
  void apply(double now);

  std::int32_t index() const { return index_; }
  std::int64_t running() const { return running_count_; }
  std::int64_t waiting() const { return static_cast<std::int64_t>(waiting_.size()); }
  const KvCache& kv_cache() const { return *kv_; }
  // Seconds of lower-tier KV loads the composed step must wait for (0 without tiers).
  double take_tier_load_s() { return kv_->take_tier_load_s(); }
  const DpRankTotals& totals() const { return totals_; }

 private:
  struct HeapEntry {
    std::int64_t key;  // decode counter value
    std::uint64_t serial;
    Sequence* seq;
    std::uint32_t epoch;
    bool operator>(const HeapEntry& o) const { return key != o.key ? key > o.key : serial > o.serial; }
  };
  using CounterHeap = std::priority_queue<HeapEntry, std::vector<HeapEntry>, std::greater<HeapEntry>>;
  struct PrefillChunk {
    Sequence* seq;
    std::int64_t tokens;
  };

  Sequence* new_sequence(Request&& request);
  void free_sequence(Sequence* seq);
  void link_running(Sequence* seq);
  void unlink_running(Sequence* seq);
  // Reserves KV for `tokens` of `seq`, preempting from the running tail; false if `seq` itself went.
  bool reserve_or_preempt(Sequence* seq, std::int64_t tokens);
  void preempt(Sequence* seq);
  void finish(Sequence* seq, double now);
  void enter_decode(Sequence* seq, std::int64_t reserved_tokens);
  // Admits the transferred sequence at the head of the queue; false when it must wait for room.
  bool admit_transferred(Sequence* seq, std::int64_t& budget);
  void reject(Sequence* seq);
  UnservableReason why_never_runs(const Sequence& seq) const;  // none when it can run
  void admit_waiting(StepShape& shape, std::int64_t& budget);
  void add_chunk(Sequence* seq, std::int64_t chunk, StepShape& shape);

  std::int32_t index_;
  const EngineSpec& engine_;
  std::unique_ptr<KvCache> kv_;
  std::unique_ptr<Scheduler> scheduler_;
  std::vector<RequestRecord>& records_;
  FinishListener& listener_;

  std::deque<Sequence> pool_;  // stable addresses
  std::vector<Sequence*> free_;
  std::deque<Sequence*> waiting_;
  Sequence* running_head_ = nullptr;
  Sequence* running_tail_ = nullptr;
  std::int64_t running_count_ = 0;
  std::vector<Sequence*> prefilling_;  // admission order; compacted after each iteration

  std::int64_t decode_counter_ = 0;   // tokens each decoding sequence has gained (one per decode step without MTP)
  std::int64_t decoding_ = 0;         // sequences in decode phase
  std::int64_t decode_base_sum_ = 0;  // sum of decode_base over them
  CounterHeap finish_heap_;
  // Block crossings: a decoding sequence needs its next block at most block_tokens tokens ahead
  // of a step's last counter value, so pending crossings fit a timing wheel of
  // block_tokens + 1 + mtp_draft_tokens buckets indexed by counter
  // (O(1) per crossing instead of a heap's O(log n): this is the hottest path of long runs).
  struct WheelEntry {
    Sequence* seq;
    std::uint32_t epoch;
  };
  std::vector<std::vector<WheelEntry>> block_wheel_;
  void schedule_block_crossing(Sequence* seq);
  // Tokens every decoding sequence gains in the next decode step: 1, or with MTP the expected
  // accepted tokens carried deterministically (floor of the running sum: 1.5 gives 1, 2, 1, 2, ...).
  std::int64_t next_advance() const;
  double mtp_tokens_per_step_ = 1;
  double mtp_progress_ = 0;        // expected tokens per sequence over the rank's decode steps
  std::int64_t step_advance_ = 1;  // the composed step's advance
  std::uint64_t next_serial_ = 0;

  double iteration_start_s_ = 0;  // of the iteration being composed (rejections happen then)
  std::int64_t step_decodes_ = 0;
  std::vector<PrefillChunk> step_chunks_;
  DpRankTotals totals_;
};

}  // namespace moelab::sim
