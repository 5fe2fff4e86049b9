#pragma once
// The paged KV cache of one replica and its prefix-caching policy, behind one interface.
// Policies: "none" (plain paged allocator), "block_hash" (vLLM automatic prefix caching: hash
// chain over full blocks, freed blocks kept in an LRU free list and revived on a hit), "radix"
// (SGLang RadixAttention: radix tree with reference counts and LRU eviction of unreferenced leaves).
//
// Contract with the engine (simulator/engine): blocks are `block_tokens` tokens each.
//   peek_cached_tokens(r)   -> cached prompt tokens r would reuse now (no state change)
//   start(r)                -> pin the matched prefix; returns cached tokens (< prompt_tokens, so at
//                              least one prompt token is computed and produces the first logits)
//   reserve(id, tokens)     -> ensure the sequence owns blocks for `tokens` tokens in total,
//                              evicting unpinned cached blocks if needed; false = cannot, no change
//   prefill_done(id)        -> the prompt's KV now exists: policies may share it from here on
//   finish(id)              -> unpin; what the policy keeps stays cached, the rest is freed
//   preempt(id)             -> unpin and drop the sequence (recompute later from start())
// Invariant checked after every run: pinned_blocks() == 0 once all sequences ended.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/named_registry.hpp"
#include "simulator/workload/request.hpp"

namespace moelab::sim {

struct KvCacheStats {
  std::int64_t lookup_tokens = 0;  // prompt tokens presented to start()
  std::int64_t hit_tokens = 0;     // of those, served from cache
  std::int64_t evicted_blocks = 0;
  std::int64_t inserted_blocks = 0;
};

// An admission counts in a prefix cache's hit statistics once its first reserve() succeeds: an
// engine that tries a sequence, finds no room and undoes the try with preempt() looked nothing up.
struct PendingLookup {
  std::int64_t prompt_tokens = 0;
  std::int64_t cached_tokens = 0;
  bool counted = false;
  void count_into(KvCacheStats& stats) {
    if (counted) return;
    counted = true;
    stats.lookup_tokens += prompt_tokens;
    stats.hit_tokens += cached_tokens;
  }
};

class KvCache {
 public:
  KvCache(std::int64_t total_blocks, std::int64_t block_tokens)
      : total_blocks_(total_blocks), block_tokens_(block_tokens) {}
  virtual ~KvCache() = default;

  virtual std::string_view policy() const = 0;
  virtual std::int64_t peek_cached_tokens(const Request& r) const = 0;
  virtual std::int64_t start(const Request& r) = 0;
  virtual bool reserve(std::int64_t request_id, std::int64_t tokens) = 0;
  virtual void prefill_done(std::int64_t request_id) = 0;
  virtual void finish(std::int64_t request_id) = 0;
  virtual void preempt(std::int64_t request_id) = 0;

  virtual std::int64_t pinned_blocks() const = 0;  // owned by running sequences
  virtual std::int64_t cached_blocks() const = 0;  // unpinned but kept for reuse (evictable)
  std::int64_t free_blocks() const { return total_blocks_ - pinned_blocks() - cached_blocks(); }
  virtual KvCacheStats stats() const = 0;
  // Full consistency check of the policy's internal state (reference counts, free lists, the
  // tree); throws std::logic_error on a violation. O(state): for tests, not for every step.
  virtual void check_invariants() const {}
  // Seconds of KV loads from lower tiers (kv_cache_tiered.hpp) committed since the last call; the
  // step that admits the loading sequences waits for them. Caches without tiers load nothing.
  virtual double take_tier_load_s() { return 0; }

  std::int64_t total_blocks() const { return total_blocks_; }
  std::int64_t block_tokens() const { return block_tokens_; }
  std::int64_t blocks_for(std::int64_t tokens) const { return (tokens + block_tokens_ - 1) / block_tokens_; }

 private:
  std::int64_t total_blocks_;
  std::int64_t block_tokens_;
};

// Policy registry (kv_cache_registry.cpp): name -> factory, keyed by engine.cache_policy.
using KvCacheFactory = std::unique_ptr<KvCache>(std::int64_t total_blocks, std::int64_t block_tokens);
const NamedRegistry<KvCacheFactory>& kv_cache_registry();
// kv_cache_registry().lookup(policy).make(...): unknown names throw InputError (engine.cache_policy).
std::unique_ptr<KvCache> make_kv_cache(std::string_view policy, std::int64_t total_blocks, std::int64_t block_tokens);

}  // namespace moelab::sim
