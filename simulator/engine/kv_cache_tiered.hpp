#pragma once
// A prefix cache with a tiered store behind it (kv_tier_store.hpp): any KvCache policy keeps the
// HBM tier; this wrapper extends its prefix match into CPU DRAM and SSD and decides per request
// whether loading that extension beats recomputing it. The engine sees one KvCache.
//
//   start(r): HBM match h (the policy's); the store's chunks continuing it, up to the same cap
//             (whole blocks, at least one prompt token computed), give an extension of L tokens.
//             Load when latency + bytes / read bandwidth, summed over the tiers it reads, is below
//             the prefill time it saves (prefill from h minus prefill from h + L, one sequence);
//             else recompute (L = 0). Returns h + L.
//   The loaded tokens are allocated in HBM like computed ones and enter the policy at
//   prefill_done (promotion to HBM). The load is committed at the first successful reserve()
//   (as hit statistics are), and its time is taken by the step that admits the sequence.
//   Write-through: at prefill_done the prompt's full chunks, at finish every full chunk the
//   sequence holds, are copied to the store's first tier (LMCache and Mooncake store what
//   prefill computes; HiCache's write_through policy).
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "simulator/engine/kv_cache.hpp"
#include "simulator/engine/kv_tier_store.hpp"

namespace moelab::sim {

struct KvTierCosts {
  double kv_bytes_per_token_per_gpu = 0;  // what each GPU of the rank reads per loaded token
  // Compute time of a prompt of `prompt_tokens` prefilled from `cached_tokens` on (one sequence).
  std::function<double(std::int64_t cached_tokens, std::int64_t prompt_tokens)> prefill_s;
};

class TieredKvCache final : public KvCache {
 public:
  TieredKvCache(std::unique_ptr<KvCache> hbm, KvTierStore& store, KvTierCosts costs);

  std::string_view policy() const override { return hbm_->policy(); }
  std::int64_t peek_cached_tokens(const Request& r) const override;
  std::int64_t start(const Request& r) override;
  bool reserve(std::int64_t request_id, std::int64_t tokens) override;
  void prefill_done(std::int64_t request_id) override;
  void finish(std::int64_t request_id) override;
  void preempt(std::int64_t request_id) override;
  std::int64_t pinned_blocks() const override { return hbm_->pinned_blocks(); }
  std::int64_t cached_blocks() const override { return hbm_->cached_blocks(); }
  KvCacheStats stats() const override;
  void check_invariants() const override { hbm_->check_invariants(); }
  double take_tier_load_s() override;

  // Prompt tokens this cache loaded from each tier (by store tier index).
  const std::vector<std::int64_t>& tier_hit_tokens() const { return tier_hit_tokens_; }

 private:
  struct LoadPlan {
    std::int64_t from_tokens = 0;  // h: the HBM match
    std::int64_t tokens = 0;       // L: loaded (0 = recompute)
    double load_s = 0;
  };
  struct Seq {
    Request request;
    std::vector<std::uint64_t> keys;  // the prompt's full chunks
    LoadPlan plan;
    bool committed = false;
    std::int64_t reserved_tokens = 0;
  };

  LoadPlan plan(const Request& r, std::int64_t hbm_tokens, const std::vector<std::uint64_t>& keys) const;
  void write_through(const Request& r, std::int64_t tokens, std::vector<std::uint64_t>& keys);
  Seq& get(std::int64_t id);

  std::unique_ptr<KvCache> hbm_;
  KvTierStore& store_;
  KvTierCosts costs_;
  std::unordered_map<std::int64_t, Seq> seqs_;  // looked up by id only, never iterated
  std::vector<std::int64_t> tier_hit_tokens_;
  double pending_load_s_ = 0;
  mutable std::vector<std::uint64_t> scratch_keys_;
};

}  // namespace moelab::sim
