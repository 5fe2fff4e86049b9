#pragma once
// The lower tiers of KV behind the GPU prefix caches: CPU DRAM, then SSD (Mooncake Store's
// DRAM/SSD pool, LMCache's CPU and disk backends, SGLang HiCache's L2/L3). One store serves every
// instance that prefills (Mooncake's pool is cluster-wide: any prefill node reads any block).
//
// Unit: a chunk of `chunk_tokens` tokens, keyed by the hash chain of the content before and in it
// (content_keys.hpp at the chunk size), so equal keys mean equal KV wherever it was computed.
// Policy (write-through from HBM, LRU within a tier, demotion on overflow, promotion on hit):
//   write_through(key): HBM computed the chunk; a new chunk is copied into tier 0; one stored
//                       already stays in its tier and becomes that tier's most recently used.
//   load(key, tokens):  the chunk was read back into HBM (a prefix hit); it moves to tier 0.
//   A tier over capacity demotes its least recently used chunk to the next tier; the last tier
//   drops it. Every chunk lives in at most one tier (exclusive tiers).
// Deterministic: the order of calls alone decides every state.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "simulator/engine/block_key_index.hpp"

namespace moelab::sim {

struct KvTierSpec {
  std::string name;                                                 // "dram", "ssd"
  double capacity_bytes = std::numeric_limits<double>::infinity();  // of the whole store; inf = unlimited
  double read_bytes_per_s = 0;                                      // per GPU, tier -> HBM
  double latency_s = 0;  // per load from this tier (once per request and tier)
};

struct KvTierStoreSpec {
  std::vector<KvTierSpec> tiers;    // fastest first; empty = no store, KV lives in HBM only
  std::int64_t chunk_tokens = 256;  // store granularity (a multiple of the engine's kv_block_tokens)
  bool enabled() const { return !tiers.empty(); }
};

// Per tier, over the run.
struct KvTierStats {
  std::int64_t hit_tokens = 0;      // prompt tokens loaded from this tier instead of computed
  double read_bytes = 0;            // out of this tier: loads to HBM and demotions to the next tier
  double written_bytes = 0;         // into this tier: write-through, demotions, promotions
  std::int64_t chunks_in = 0;       // chunks that entered the tier
  std::int64_t chunks_out = 0;      // ... and left it (moved, demoted or dropped)
  std::int64_t dropped_chunks = 0;  // left the store entirely (last tier full)
};

// InputError (key cluster.kv_tiers.*) for a store that cannot work with this engine.
void validate_kv_tiers(const KvTierStoreSpec& spec, std::int64_t kv_block_tokens, double kv_bytes_per_token);

class KvTierStore {
 public:
  // `kv_bytes_per_token`: one copy of the model's KV per token (what the store keeps and moves).
  KvTierStore(KvTierStoreSpec spec, double kv_bytes_per_token);

  const KvTierStoreSpec& spec() const { return spec_; }
  std::int64_t chunk_tokens() const { return spec_.chunk_tokens; }
  std::size_t tier_count() const { return tiers_.size(); }
  // Tier holding `key`, or -1.
  int tier_of(std::uint64_t key) const {
    const std::int32_t slot = index_.find(key);
    return slot < 0 ? -1 : nodes_[static_cast<std::size_t>(slot)].tier;
  }
  void write_through(std::uint64_t key);
  void load(std::uint64_t key, std::int64_t tokens);

  std::int64_t capacity_chunks(std::size_t tier) const { return tiers_[tier].capacity; }
  std::int64_t resident_chunks(std::size_t tier) const { return tiers_[tier].size; }
  const KvTierStats& stats(std::size_t tier) const { return tiers_[tier].stats; }
  // The no-leak invariant: each tier's chunks in - out == resident == its LRU list <= capacity,
  // every indexed chunk in exactly one list. One line per violation (empty = consistent).
  std::vector<std::string> invariant_violations() const;

 private:
  struct Node {
    std::uint64_t key = 0;
    std::int32_t prev = -1, next = -1;
    std::int8_t tier = -1;  // -1 = free slot
  };
  struct Tier {
    std::int64_t capacity = 0;          // chunks
    std::int32_t head = -1, tail = -1;  // head = least recently used
    std::int64_t size = 0;
    KvTierStats stats;
  };

  void link_tail(std::int32_t slot, int tier);
  void unlink(std::int32_t slot);
  // Puts `slot` (unlinked) as most recently used into `tier`, demoting overflow downwards.
  void enter(std::int32_t slot, int tier);
  std::int32_t new_slot(std::uint64_t key);

  KvTierStoreSpec spec_;
  double chunk_bytes_ = 0;
  std::vector<Tier> tiers_;
  std::vector<Node> nodes_;
  std::vector<std::int32_t> free_slots_;
  BlockKeyIndex index_;  // key -> slot
};

}  // namespace moelab::sim
