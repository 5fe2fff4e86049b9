#include "simulator/engine/kv_tier_store.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "base/input_error.hpp"

namespace moelab::sim {

void validate_kv_tiers(const KvTierStoreSpec& spec, std::int64_t kv_block_tokens, double kv_bytes_per_token) {
  if (!spec.enabled()) return;
  if (spec.tiers.size() > 2) throw InputError({}, "cluster.kv_tiers.tiers", "at most two tiers (dram, ssd)");
  if (spec.chunk_tokens < 1 || kv_block_tokens < 1 || spec.chunk_tokens % kv_block_tokens != 0)
    throw InputError({}, "cluster.kv_tiers.chunk_tokens",
                     fmt::format("must be a positive multiple of engine.kv_block_tokens ({}), got {}", kv_block_tokens,
                                 spec.chunk_tokens));
  for (const auto& t : spec.tiers) {
    const std::string key = "cluster.kv_tiers." + t.name;
    if (!(t.capacity_bytes > 0)) throw InputError({}, key + ".capacity_gb", "must be > 0");
    if (!(t.read_bytes_per_s > 0)) throw InputError({}, key + ".read_gb_per_s", "must be > 0");
    if (!(t.latency_s >= 0)) throw InputError({}, key + ".latency_us", "must be >= 0");
    const double chunk_bytes = kv_bytes_per_token * static_cast<double>(spec.chunk_tokens);
    if (t.capacity_bytes < chunk_bytes)
      throw InputError({}, key + ".capacity_gb",
                       fmt::format("holds no chunk of {} tokens ({:.3g} GB)", spec.chunk_tokens, chunk_bytes / 1e9));
  }
}

KvTierStore::KvTierStore(KvTierStoreSpec spec, double kv_bytes_per_token)
    : spec_(std::move(spec)), chunk_bytes_(kv_bytes_per_token * static_cast<double>(spec_.chunk_tokens)) {
  if (spec_.chunk_tokens < 1) throw std::logic_error("kv tier store: chunk_tokens must be >= 1");
  if (!(chunk_bytes_ > 0)) throw std::logic_error("kv tier store: KV bytes per token must be > 0");
  for (const auto& t : spec_.tiers) {
    Tier tier;
    const double chunks = std::floor(t.capacity_bytes / chunk_bytes_);
    tier.capacity = chunks >= 9e18 ? std::numeric_limits<std::int64_t>::max() : static_cast<std::int64_t>(chunks);
    if (tier.capacity < 1)
      throw InputError({}, "cluster.kv_tiers." + t.name + ".capacity_gb",
                       fmt::format("holds no chunk of {} tokens ({:.3g} GB)", spec_.chunk_tokens, chunk_bytes_ / 1e9));
    tiers_.push_back(tier);
  }
}

std::int32_t KvTierStore::new_slot(std::uint64_t key) {
  std::int32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<std::int32_t>(nodes_.size());
    nodes_.emplace_back();
  }
  nodes_[static_cast<std::size_t>(slot)] = Node{key, -1, -1, -1};
  index_.insert(key, slot);
  return slot;
}

void KvTierStore::link_tail(std::int32_t slot, int tier) {
  Tier& t = tiers_[static_cast<std::size_t>(tier)];
  Node& n = nodes_[static_cast<std::size_t>(slot)];
  n.tier = static_cast<std::int8_t>(tier);
  n.prev = t.tail;
  n.next = -1;
  if (t.tail >= 0) nodes_[static_cast<std::size_t>(t.tail)].next = slot;
  t.tail = slot;
  if (t.head < 0) t.head = slot;
  ++t.size;
}

void KvTierStore::unlink(std::int32_t slot) {
  Node& n = nodes_[static_cast<std::size_t>(slot)];
  Tier& t = tiers_[static_cast<std::size_t>(n.tier)];
  (n.prev >= 0 ? nodes_[static_cast<std::size_t>(n.prev)].next : t.head) = n.next;
  (n.next >= 0 ? nodes_[static_cast<std::size_t>(n.next)].prev : t.tail) = n.prev;
  n.prev = n.next = -1;
  --t.size;
  ++t.stats.chunks_out;
  n.tier = -1;
}

void KvTierStore::enter(std::int32_t slot, int tier) {
  link_tail(slot, tier);
  Tier& t = tiers_[static_cast<std::size_t>(tier)];
  ++t.stats.chunks_in;
  t.stats.written_bytes += chunk_bytes_;
  if (t.size <= t.capacity) return;
  const std::int32_t victim = t.head;  // least recently used
  unlink(victim);
  if (static_cast<std::size_t>(tier) + 1 < tiers_.size()) {
    t.stats.read_bytes += chunk_bytes_;
    enter(victim, tier + 1);  // demotion (the next tier may cascade)
  } else {
    ++t.stats.dropped_chunks;
    index_.erase(nodes_[static_cast<std::size_t>(victim)].key);
    free_slots_.push_back(victim);
  }
}

void KvTierStore::write_through(std::uint64_t key) {
  const std::int32_t slot = index_.find(key);
  if (slot < 0) {
    enter(new_slot(key), 0);
    return;
  }
  // Stored already (in any tier): the copy stays where it is and becomes its tier's most recent.
  const int tier = nodes_[static_cast<std::size_t>(slot)].tier;
  unlink(slot);
  --tiers_[static_cast<std::size_t>(tier)].stats.chunks_out;
  link_tail(slot, tier);
}

void KvTierStore::load(std::uint64_t key, std::int64_t tokens) {
  const std::int32_t slot = index_.find(key);
  if (slot < 0) throw std::logic_error("kv tier store: load of a chunk the store does not hold");
  const int tier = nodes_[static_cast<std::size_t>(slot)].tier;
  Tier& t = tiers_[static_cast<std::size_t>(tier)];
  t.stats.hit_tokens += tokens;
  t.stats.read_bytes += chunk_bytes_ * static_cast<double>(tokens) / static_cast<double>(spec_.chunk_tokens);
  unlink(slot);
  if (tier == 0) {
    --t.stats.chunks_out;
    link_tail(slot, 0);
    return;
  }
  enter(slot, 0);  // promotion on hit
}

std::vector<std::string> KvTierStore::invariant_violations() const {
  std::vector<std::string> v;
  std::int64_t listed_total = 0;
  for (std::size_t i = 0; i < tiers_.size(); ++i) {
    const Tier& t = tiers_[i];
    const std::string& name = spec_.tiers[i].name;
    std::int64_t listed = 0;
    for (std::int32_t s = t.head; s >= 0; s = nodes_[static_cast<std::size_t>(s)].next) {
      const Node& n = nodes_[static_cast<std::size_t>(s)];
      if (n.tier != static_cast<std::int8_t>(i)) {
        v.push_back(fmt::format("KV tier {}: a chunk in its list is marked tier {}", name, n.tier));
        break;
      }
      if (index_.find(n.key) != s) {
        v.push_back(fmt::format("KV tier {}: a chunk in its list is not indexed", name));
        break;
      }
      if (++listed > t.size) break;
    }
    if (listed != t.size) v.push_back(fmt::format("KV tier {}: {} chunks listed, {} counted", name, listed, t.size));
    if (t.stats.chunks_in - t.stats.chunks_out != t.size)
      v.push_back(fmt::format("KV tier {}: {} chunks in - {} out != {} resident (a chunk leaked)", name,
                              t.stats.chunks_in, t.stats.chunks_out, t.size));
    if (t.size > t.capacity)
      v.push_back(fmt::format("KV tier {}: {} chunks resident over its capacity of {}", name, t.size, t.capacity));
    listed_total += listed;
  }
  if (listed_total != static_cast<std::int64_t>(index_.size()))
    v.push_back(fmt::format("KV tier store: {} chunks indexed but {} in the tiers", index_.size(), listed_total));
  return v;
}

}  // namespace moelab::sim
