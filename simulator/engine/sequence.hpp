#pragma once
// One request inside a replica: waiting, prefilling (possibly in chunks) or decoding.
// Decoding sequences are never walked per step: their KV length is implicit in the replica's
// decode-step counter (computed = decode_base + counter), so a step costs O(1) for any batch.
#include <cstdint>

#include "simulator/workload/request.hpp"

namespace moelab::sim {

enum class SequencePhase : std::uint8_t { waiting, prefill, decode };

struct Sequence {
  Request request;
  SequencePhase phase = SequencePhase::waiting;
  std::uint32_t epoch = 0;     // bumps whenever the sequence leaves the running set
  std::uint64_t serial = 0;    // admission order (unique per admission): ties and preemption order
  std::int32_t generated = 0;  // output tokens so far (survives preemption: recompute keeps them)
  // Arrived with its prompt's KV from a prefill instance (disaggregation): admitted straight into
  // decode. Cleared at admission; a later preemption recomputes as for any sequence.
  bool kv_transferred = false;

  // Current admission (prefill phase).
  std::int64_t prefill_target = 0;    // prompt + generated at admission: tokens whose KV must exist
  std::int64_t computed = 0;          // tokens whose KV exists (cached prefix + computed chunks)
  std::int64_t cached_at_start = 0;   // prefix served by the cache at admission
  std::int64_t prefill_computed = 0;  // prompt tokens computed by chunks this admission

  // Decode phase: at replica decode counter S the KV holds decode_base + S tokens.
  std::int64_t decode_base = 0;
  std::int64_t decode_entry_counter = 0;  // counter value when decode began
  std::int32_t generated_at_entry = 0;
  std::int64_t reserved_tokens = 0;  // capacity of the blocks reserved so far

  // Running list (admission order) links; null when not running.
  Sequence* prev = nullptr;
  Sequence* next = nullptr;
};

}  // namespace moelab::sim
