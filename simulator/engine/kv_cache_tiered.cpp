#include "simulator/engine/kv_cache_tiered.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

#include "simulator/engine/content_keys.hpp"

namespace moelab::sim {

TieredKvCache::TieredKvCache(std::unique_ptr<KvCache> hbm, KvTierStore& store, KvTierCosts costs)
    : KvCache(hbm->total_blocks(), hbm->block_tokens()),
      hbm_(std::move(hbm)),
      store_(store),
      costs_(std::move(costs)),
      tier_hit_tokens_(store.tier_count(), 0) {
  if (store_.chunk_tokens() % block_tokens() != 0)
    throw std::logic_error("tiered kv cache: chunk_tokens must be a multiple of the KV block size");
  if (!costs_.prefill_s) throw std::logic_error("tiered kv cache: no prefill cost");
}

TieredKvCache::LoadPlan TieredKvCache::plan(const Request& r, std::int64_t hbm_tokens,
                                            const std::vector<std::uint64_t>& keys) const {
  LoadPlan p;
  p.from_tokens = hbm_tokens;
  const std::int64_t chunk = store_.chunk_tokens();
  const std::int64_t cap = ((std::int64_t{r.prompt_tokens} - 1) / block_tokens()) * block_tokens();
  std::array<std::int64_t, 8> by_tier{};
  std::int64_t end = hbm_tokens;
  for (auto c = static_cast<std::size_t>(hbm_tokens / chunk); c < keys.size(); ++c) {
    const int tier = store_.tier_of(keys[c]);
    if (tier < 0) break;
    const std::int64_t chunk_end = std::min(static_cast<std::int64_t>(c + 1) * chunk, cap);
    if (chunk_end <= end) break;
    by_tier[static_cast<std::size_t>(tier)] += chunk_end - end;
    end = chunk_end;
  }
  if (end <= hbm_tokens) return p;
  double load_s = 0;
  for (std::size_t t = 0; t < store_.tier_count(); ++t) {
    if (by_tier[t] == 0) continue;
    const KvTierSpec& spec = store_.spec().tiers[t];
    load_s +=
        spec.latency_s + static_cast<double>(by_tier[t]) * costs_.kv_bytes_per_token_per_gpu / spec.read_bytes_per_s;
  }
  const double saved_s = costs_.prefill_s(hbm_tokens, r.prompt_tokens) - costs_.prefill_s(end, r.prompt_tokens);
  if (!(load_s < saved_s)) return p;  // recomputing is no slower
  p.tokens = end - hbm_tokens;
  p.load_s = load_s;
  return p;
}

std::int64_t TieredKvCache::peek_cached_tokens(const Request& r) const {
  const std::int64_t h = hbm_->peek_cached_tokens(r);
  full_block_keys(r, store_.chunk_tokens(), r.prompt_tokens, scratch_keys_);
  return h + plan(r, h, scratch_keys_).tokens;
}

std::int64_t TieredKvCache::start(const Request& r) {
  const std::int64_t h = hbm_->start(r);
  auto [it, inserted] = seqs_.try_emplace(r.id);
  if (!inserted) throw std::logic_error("tiered kv cache: start() for a running sequence");
  Seq& seq = it->second;
  seq.request = r;
  full_block_keys(r, store_.chunk_tokens(), r.prompt_tokens, seq.keys);
  seq.plan = plan(r, h, seq.keys);
  return h + seq.plan.tokens;
}

bool TieredKvCache::reserve(std::int64_t request_id, std::int64_t tokens) {
  if (!hbm_->reserve(request_id, tokens)) return false;
  Seq& seq = get(request_id);
  seq.reserved_tokens = std::max(seq.reserved_tokens, tokens);
  if (!seq.committed) {
    seq.committed = true;
    const LoadPlan& p = seq.plan;
    const std::int64_t chunk = store_.chunk_tokens();
    for (std::int64_t pos = p.from_tokens; pos < p.from_tokens + p.tokens;) {
      const std::int64_t c = pos / chunk;
      const std::int64_t upto = std::min((c + 1) * chunk, p.from_tokens + p.tokens);
      const std::uint64_t key = seq.keys[static_cast<std::size_t>(c)];
      tier_hit_tokens_[static_cast<std::size_t>(store_.tier_of(key))] += upto - pos;
      store_.load(key, upto - pos);
      pos = upto;
    }
    pending_load_s_ += p.load_s;
  }
  return true;
}

void TieredKvCache::write_through(const Request& r, std::int64_t tokens, std::vector<std::uint64_t>& keys) {
  full_block_keys(r, store_.chunk_tokens(), tokens, keys);
  for (const std::uint64_t key : keys) store_.write_through(key);
}

void TieredKvCache::prefill_done(std::int64_t request_id) {
  hbm_->prefill_done(request_id);
  Seq& seq = get(request_id);
  for (const std::uint64_t key : seq.keys) store_.write_through(key);
}

void TieredKvCache::finish(std::int64_t request_id) {
  hbm_->finish(request_id);
  Seq& seq = get(request_id);
  // Every full chunk of the blocks the sequence held (as block_hash keys them at finish).
  const std::int64_t held = blocks_for(seq.reserved_tokens) * block_tokens();
  write_through(seq.request, held, scratch_keys_);
  seqs_.erase(request_id);
}

void TieredKvCache::preempt(std::int64_t request_id) {
  hbm_->preempt(request_id);
  get(request_id);
  seqs_.erase(request_id);
}

KvCacheStats TieredKvCache::stats() const {
  KvCacheStats s = hbm_->stats();
  for (const std::int64_t t : tier_hit_tokens_) s.hit_tokens += t;
  return s;
}

double TieredKvCache::take_tier_load_s() {
  const double s = pending_load_s_;
  pending_load_s_ = 0;
  return s;
}

TieredKvCache::Seq& TieredKvCache::get(std::int64_t id) {
  const auto it = seqs_.find(id);
  if (it == seqs_.end()) throw std::logic_error("tiered kv cache: unknown sequence " + std::to_string(id));
  return it->second;
}

}  // namespace moelab::sim
