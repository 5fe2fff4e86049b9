// "block_hash": automatic prefix caching as vLLM does it. Full KV blocks get a key from the hash
// chain of their content (content_keys.hpp); a new sequence reuses the longest run of leading
// blocks whose keys are cached. Freed blocks that carry a key are not wiped: they wait in an LRU
// free list and are revived on a hit, or evicted (oldest first) when a new block is needed and no
// blank block is left. A sequence frees its blocks last-to-first, so a prompt's tail is evicted
// before its head (the head is what other requests share).
#include <algorithm>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "simulator/engine/block_key_index.hpp"
#include "simulator/engine/block_lru_queue.hpp"
#include "simulator/engine/content_keys.hpp"
#include "simulator/engine/kv_cache.hpp"

namespace moelab::sim {
namespace {

class BlockHashCache final : public KvCache {
 public:
  using KvCache::KvCache;

  std::string_view policy() const override { return "block_hash"; }

  std::int64_t peek_cached_tokens(const Request& r) const override {
    full_block_keys(r, block_tokens(), r.prompt_tokens, scratch_keys_);
    const std::int64_t cap = max_reusable_blocks(r, scratch_keys_.size());
    std::int64_t hits = 0;
    while (hits < cap && by_key_.contains(scratch_keys_[static_cast<std::size_t>(hits)])) ++hits;
    return hits * block_tokens();
  }

  std::int64_t start(const Request& r) override {
    auto [it, inserted] = seqs_.try_emplace(r.id);
    if (!inserted) throw std::logic_error("block_hash: start() for a running sequence");
    Seq& seq = it->second;
    seq.request = r;  // a copy: the engine may move its own
    if (r.id == undone_id_) {
      seq.keys.swap(undone_keys_);  // same request, same prompt: same keys
      seq.chain = undone_chain_;
      undone_id_ = -1;
    } else {
      extend_full_block_keys(r, block_tokens(), r.prompt_tokens, seq.keys, seq.chain);
    }
    const std::int64_t cap = max_reusable_blocks(r, seq.keys.size());
    for (std::int64_t i = 0; i < cap; ++i) {
      if (i + kPrefetchAhead < cap) by_key_.prefetch(seq.keys[static_cast<std::size_t>(i + kPrefetchAhead)]);
      const std::int32_t found = by_key_.find(seq.keys[static_cast<std::size_t>(i)]);
      if (found < 0) break;
      pin(found);
      seq.blocks.push_back(found);
    }
    seq.matched_blocks = static_cast<std::int64_t>(seq.blocks.size());
    const std::int64_t cached = seq.matched_blocks * block_tokens();
    seq.pending_lookup = PendingLookup{r.prompt_tokens, cached, false};
    return cached;
  }

  bool reserve(std::int64_t request_id, std::int64_t tokens) override {
    Seq& seq = get(request_id);
    const std::int64_t need = blocks_for(tokens) - static_cast<std::int64_t>(seq.blocks.size());
    if (need > total_blocks() - pinned_) return false;  // blank plus evictable blocks
    if (need > 0) allocate(need, seq.blocks);
    seq.pending_lookup.count_into(stats_);
    return true;
  }

  void prefill_done(std::int64_t request_id) override {
    Seq& seq = get(request_id);
    register_blocks(seq, static_cast<std::int64_t>(seq.keys.size()));
  }

  void finish(std::int64_t request_id) override {
    Seq& seq = get(request_id);
    // The output may be described too (multi-turn): key every full block the ids reach.
    const std::int64_t held_tokens = static_cast<std::int64_t>(seq.blocks.size()) * block_tokens();
    extend_full_block_keys(seq.request, block_tokens(), held_tokens, seq.keys, seq.chain);
    register_blocks(seq, static_cast<std::int64_t>(seq.keys.size()));
    release(request_id);
  }

  // The engine undoes a start() whose first reserve() failed with preempt() and retries the same
  // request on the next step, often for many steps while memory is short: keep the last preempted
  // sequence's prompt keys (a pure function of the request) so the retry does not rehash its prompt.
  void preempt(std::int64_t request_id) override {
    Seq& seq = get(request_id);
    undone_id_ = request_id;
    undone_keys_.swap(seq.keys);
    undone_chain_ = seq.chain;
    release(request_id);
  }

  std::int64_t pinned_blocks() const override { return pinned_; }
  std::int64_t cached_blocks() const override { return lru_.size(); }
  KvCacheStats stats() const override { return stats_; }

  void check_invariants() const override {
    std::vector<std::int32_t> refs(blocks_.size(), 0);
    for (const auto& [id, seq] : seqs_) {
      for (auto b : seq.blocks) ++refs[static_cast<std::size_t>(b)];
    }
    std::int64_t pinned = 0;
    for (std::size_t b = 0; b < blocks_.size(); ++b) {
      if (refs[b] != blocks_[b].ref) throw std::logic_error("block_hash: reference count disagrees with sequences");
      pinned += refs[b] > 0 ? 1 : 0;
    }
    if (pinned != pinned_) throw std::logic_error("block_hash: pinned count out of balance");
    std::int64_t listed = 0;
    lru_.for_each([&](std::int32_t b) {
      const Block& blk = blocks_[static_cast<std::size_t>(b)];
      if (blk.ref != 0 || !blk.keyed) throw std::logic_error("block_hash: a pinned or blank block in the LRU list");
      ++listed;
    });
    for (std::size_t b = 0; b < blocks_.size(); ++b) {
      const bool cached = blocks_[b].ref == 0 && blocks_[b].keyed;
      if (cached != lru_.contains(static_cast<std::int32_t>(b)))
        throw std::logic_error("block_hash: a cached block missing from the LRU list");
    }
    if (listed != lru_.size()) throw std::logic_error("block_hash: LRU list size out of balance");
    for (auto b : blank_) {
      if (blocks_[static_cast<std::size_t>(b)].ref != 0 || blocks_[static_cast<std::size_t>(b)].keyed) {
        throw std::logic_error("block_hash: a used block in the blank list");
      }
    }
    by_key_.for_each([&](std::uint64_t key, std::int32_t b) {
      const Block& blk = blocks_[static_cast<std::size_t>(b)];
      if (!blk.keyed || blk.key != key) throw std::logic_error("block_hash: key index out of date");
    });
    if (pinned_ + lru_.size() > total_blocks()) throw std::logic_error("block_hash: over capacity");
  }

 private:
  // How many blocks ahead the walks over a sequence's blocks and keys prefetch (a few cache-miss
  // latencies' worth of loop iterations).
  static constexpr std::int64_t kPrefetchAhead = 8;

  struct Block {
    std::uint64_t key = 0;
    std::int32_t ref = 0;
    bool keyed = false;
  };
  struct Seq {
    Request request;
    std::vector<std::int32_t> blocks;
    std::vector<std::uint64_t> keys;  // of the full blocks computed so far (prompt, at finish all)
    BlockKeyChain chain;              // where `keys` leave the hash chain
    std::int64_t matched_blocks = 0;
    std::int64_t registered_blocks = 0;
    PendingLookup pending_lookup;
  };

  // At least one prompt token must be computed (its logits give the first output token), and
  // reuse is whole blocks, so a fully cached prompt gives back its last block.
  std::int64_t max_reusable_blocks(const Request& r, std::size_t keyed_blocks) const {
    const std::int64_t by_prompt = (r.prompt_tokens - 1) / block_tokens();
    const auto keyed = static_cast<std::int64_t>(keyed_blocks);
    return by_prompt < keyed ? by_prompt : keyed;
  }

  Seq& get(std::int64_t id) {
    const auto it = seqs_.find(id);
    if (it == seqs_.end()) throw std::logic_error("block_hash: unknown sequence " + std::to_string(id));
    return it->second;
  }

  void pin(std::int32_t b) {
    Block& blk = blocks_[static_cast<std::size_t>(b)];
    if (blk.ref == 0) {
      lru_.remove(b);
      ++pinned_;
    }
    ++blk.ref;
  }

  // Appends `n` blocks to `out`, pinned: blank blocks first (last freed first), then never-used
  // ones, then cached blocks evicted from the LRU head.
  void allocate(std::int64_t n, std::vector<std::int32_t>& out) {
    for (; n > 0 && !blank_.empty(); --n) {
      out.push_back(pin_fresh(blank_.back()));
      blank_.pop_back();
    }
    for (; n > 0 && static_cast<std::int64_t>(blocks_.size()) < total_blocks(); --n) {
      blocks_.emplace_back();
      lru_.add_block();
      out.push_back(pin_fresh(static_cast<std::int32_t>(blocks_.size() - 1)));
    }
    if (n > 0) evict_lru_head(n, out);
  }

  std::int32_t pin_fresh(std::int32_t b) {
    blocks_[static_cast<std::size_t>(b)].ref = 1;
    ++pinned_;
    return b;
  }

  // Evicts the `n` least recently freed cached blocks (n <= lru_.size()) and appends them to
  // `out`, pinned. A long prompt evicts hundreds at once, and each eviction erases its key from an
  // index larger than the L2 cache, at a random slot: so first take the victims and start loading
  // all their slots, then erase, instead of waiting for one miss after another.
  void evict_lru_head(std::int64_t n, std::vector<std::int32_t>& out) {
    const std::size_t first = out.size();
    lru_.pop_oldest(n, [&](std::int32_t b) {
      by_key_.prefetch(blocks_[static_cast<std::size_t>(b)].key);
      out.push_back(b);
    });
    for (std::size_t i = first; i < out.size(); ++i) {
      Block& blk = blocks_[static_cast<std::size_t>(out[i])];
      by_key_.erase(blk.key);
      blk.keyed = false;
      pin_fresh(out[i]);
    }
    stats_.evicted_blocks += n;
  }

  void register_blocks(Seq& seq, std::int64_t upto) {
    const std::int64_t held = static_cast<std::int64_t>(seq.blocks.size());
    if (upto > held) upto = held;
    for (std::int64_t i = std::max(seq.registered_blocks, seq.matched_blocks); i < upto; ++i) {
      if (i + kPrefetchAhead < upto) by_key_.prefetch(seq.keys[static_cast<std::size_t>(i + kPrefetchAhead)]);
      const std::int32_t b = seq.blocks[static_cast<std::size_t>(i)];
      Block& blk = blocks_[static_cast<std::size_t>(b)];
      const std::uint64_t key = seq.keys[static_cast<std::size_t>(i)];
      // A block computed twice concurrently stays a private duplicate (vLLM does not merge them).
      if (blk.keyed || !by_key_.insert_if_absent(key, b)) continue;
      blk.key = key;
      blk.keyed = true;
      ++stats_.inserted_blocks;
    }
    if (upto > seq.registered_blocks) seq.registered_blocks = upto;
  }

  void release(std::int64_t request_id) {
    const auto it = seqs_.find(request_id);
    if (it == seqs_.end()) throw std::logic_error("block_hash: release of unknown sequence");
    auto& blocks = it->second.blocks;
    for (auto b = blocks.rbegin(); b != blocks.rend(); ++b) {
      if (blocks.rend() - b > kPrefetchAhead) __builtin_prefetch(&blocks_[static_cast<std::size_t>(b[kPrefetchAhead])]);
      Block& blk = blocks_[static_cast<std::size_t>(*b)];
      if (blk.ref <= 0) throw std::logic_error("block_hash: double free of a block");
      if (--blk.ref == 0) {
        --pinned_;
        if (blk.keyed) {
          lru_.push_back(*b);
        } else {
          blank_.push_back(*b);
        }
      }
    }
    seqs_.erase(it);
  }

  std::vector<Block> blocks_;        // grown on demand up to total_blocks()
  std::vector<std::int32_t> blank_;  // free blocks without a key
  BlockKeyIndex by_key_;             // key -> block, for cached (keyed) blocks
  std::unordered_map<std::int64_t, Seq> seqs_;
  BlockLruQueue lru_;  // cached blocks, least recently freed first
  std::int64_t pinned_ = 0;
  KvCacheStats stats_;
  mutable std::vector<std::uint64_t> scratch_keys_;
  std::int64_t undone_id_ = -1;  // last preempted sequence, and its prompt's keys
  std::vector<std::uint64_t> undone_keys_;
  BlockKeyChain undone_chain_;
};

}  // namespace

std::unique_ptr<KvCache> make_kv_cache_block_hash(std::int64_t total_blocks, std::int64_t block_tokens) {
  return std::make_unique<BlockHashCache>(total_blocks, block_tokens);
}

}  // namespace moelab::sim
