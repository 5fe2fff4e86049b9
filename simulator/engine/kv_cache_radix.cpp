// "radix": SGLang's RadixAttention. Cached KV lives in a radix tree keyed by content; each edge
// holds a run of content ids (equal ids = equal tokens). A running sequence locks the path of the
// prefix it reuses (reference counts up to the root); unlocked leaves are evicted least recently
// used first, each leaf whole, as SGLang's RadixCache.evict() frees a node's whole value (see
// README.md, "Prefix caches under memory pressure"). A sequence's prompt is inserted when its
// prefill completes, and its prompt plus described output when it finishes, so concurrent and
// later requests share it; decoded tokens are not inserted before the finish, and a preempted
// sequence (SGLang: retracted) keeps its prompt in the tree, unlocked.
// Memory is counted in tokens (SGLang's page size 1); blocks are reported as tokens / block size,
// and matches are cut to whole blocks so a page size > 1 behaves like page-granular nodes.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "simulator/engine/kv_cache.hpp"

namespace moelab::sim {
namespace {

class RadixCache final : public KvCache {
 public:
  RadixCache(std::int64_t total_blocks, std::int64_t block_tokens)
      : KvCache(total_blocks, block_tokens), capacity_tokens_(total_blocks * block_tokens) {
    nodes_.emplace_back();  // root: no ids, never evicted
  }

  std::string_view policy() const override { return "radix"; }

  std::int64_t peek_cached_tokens(const Request& r) const override {
    std::int32_t node = kRoot;
    std::size_t pos = 0;
    std::int64_t tokens = 0;
    const auto& ids = r.content_ids;
    const std::int64_t limit = std::min<std::int64_t>(described_tokens(r), r.prompt_tokens);
    while (pos < ids.size()) {
      const auto it = nodes_[node].children.find(ids[pos]);
      if (it == nodes_[node].children.end()) break;
      const Node& child = nodes_[it->second];
      std::size_t k = 0;
      while (k < child.ids.size() && pos + k < ids.size() && child.ids[k] == ids[pos + k]) {
        tokens += child.id_tokens[k];
        ++k;
      }
      pos += k;
      if (k < child.ids.size()) break;
      node = it->second;
    }
    return usable_tokens(r, std::min(tokens, limit));
  }

  std::int64_t start(const Request& r) override {
    auto [it, inserted] = seqs_.try_emplace(r.id);
    if (!inserted) throw std::logic_error("radix: start() for a running sequence");
    Seq& seq = it->second;
    seq.request = r;
    const auto [node, path_tokens] = match_and_split(r);
    seq.last_node = node;
    seq.path_tokens = path_tokens;
    lock_path(node, +1);
    touch_path(node);
    const std::int64_t limit = std::min<std::int64_t>(described_tokens(r), r.prompt_tokens);
    const std::int64_t cached = usable_tokens(r, std::min(path_tokens, limit));
    seq.held_tokens = cached;
    seq.pending_lookup = PendingLookup{r.prompt_tokens, cached, false};
    return cached;
  }

  bool reserve(std::int64_t request_id, std::int64_t tokens) override {
    Seq& seq = get(request_id);
    if (tokens <= seq.held_tokens) {
      seq.pending_lookup.count_into(stats_);
      return true;
    }
    const std::int64_t need = private_of(seq, tokens) - private_of(seq, seq.held_tokens);
    // Every unlocked node can be evicted (locks run up to the root, so an unlocked node has no
    // locked descendant). A reservation that cannot succeed evicts nothing: the contract says
    // "false = no change", and SGLang admits a request only when free plus evictable memory holds
    // it (PrefillAdder.rem_total_tokens), so it never empties the tree for a request it turns away.
    if (need > free_tokens() + unlocked_tokens_) return false;
    if (need > free_tokens()) evict(need - free_tokens());
    if (need > free_tokens()) throw std::logic_error("radix: eviction freed less than the evictable tokens");
    private_tokens_ += need;
    seq.held_tokens = tokens;
    seq.pending_lookup.count_into(stats_);
    return true;
  }

  void prefill_done(std::int64_t request_id) override {
    Seq& seq = get(request_id);
    insert(seq, std::min<std::int64_t>(seq.request.prompt_tokens, seq.held_tokens));
  }

  void finish(std::int64_t request_id) override {
    Seq& seq = get(request_id);
    insert(seq, seq.held_tokens);
    release(request_id);
  }

  void preempt(std::int64_t request_id) override { release(request_id); }

  std::int64_t pinned_blocks() const override { return blocks_for(private_tokens_ + locked_tokens_); }
  std::int64_t cached_blocks() const override {
    // Round so that pinned + cached never exceeds the blocks the tokens occupy together.
    return blocks_for(private_tokens_ + locked_tokens_ + unlocked_tokens_) - pinned_blocks();
  }
  KvCacheStats stats() const override { return stats_; }

  void check_invariants() const override {
    std::vector<std::int32_t> locks(nodes_.size(), 0);
    std::int64_t private_sum = 0;
    for (const auto& [id, seq] : seqs_) {
      for (std::int32_t n = seq.last_node; n != kRoot; n = nodes_[n].parent) ++locks[static_cast<std::size_t>(n)];
      private_sum += private_of(seq, seq.held_tokens);
    }
    std::int64_t locked = 0, unlocked = 0;
    std::size_t leaves = 0;
    for (std::size_t n = 1; n < nodes_.size(); ++n) {
      const Node& x = nodes_[n];
      if (!x.alive) continue;
      if (x.lock_ref != locks[n]) throw std::logic_error("radix: lock_ref disagrees with running sequences");
      (x.lock_ref > 0 ? locked : unlocked) += x.tokens;
      const bool evictable_leaf = x.lock_ref == 0 && x.children.empty();
      const bool listed = evictable_.count({x.last_access, static_cast<std::int32_t>(n)}) > 0;
      if (evictable_leaf != listed) throw std::logic_error("radix: evictable set out of date");
      leaves += evictable_leaf ? 1 : 0;
      const auto found = nodes_[x.parent].children.find(x.ids.front());
      if (found == nodes_[x.parent].children.end() || found->second != static_cast<std::int32_t>(n)) {
        throw std::logic_error("radix: node not reachable from its parent");
      }
    }
    if (leaves != evictable_.size()) throw std::logic_error("radix: evictable set lists dead nodes");
    if (locked != locked_tokens_ || unlocked != unlocked_tokens_ || private_sum != private_tokens_) {
      throw std::logic_error("radix: token accounting out of balance");
    }
    if (free_tokens() < 0) throw std::logic_error("radix: over capacity");
  }

 private:
  static constexpr std::int32_t kRoot = 0;

  struct Node {
    std::int32_t parent = -1;
    std::vector<std::uint64_t> ids;                            // edge label: content ids
    std::vector<std::int32_t> id_tokens;                       // tokens each id names
    std::int64_t tokens = 0;                                   // sum of id_tokens
    std::int32_t lock_ref = 0;                                 // running sequences whose path passes here
    std::uint64_t last_access = 0;                             // logical clock: deterministic LRU
    std::unordered_map<std::uint64_t, std::int32_t> children;  // by first id; lookups only
    bool alive = true;
  };
  struct Seq {
    Request request;
    std::int32_t last_node = kRoot;
    std::int64_t path_tokens = 0;  // tokens on the locked path (in the tree)
    std::int64_t held_tokens = 0;  // tokens the sequence has KV for (cached + reserved)
    PendingLookup pending_lookup;
  };

  // Reuse is cut to whole blocks and must leave at least one prompt token to compute.
  std::int64_t usable_tokens(const Request& r, std::int64_t matched) const {
    const std::int64_t cap = ((r.prompt_tokens - 1) / block_tokens()) * block_tokens();
    const std::int64_t aligned = (matched / block_tokens()) * block_tokens();
    return std::max<std::int64_t>(0, std::min(aligned, cap));
  }
  static std::int64_t private_of(const Seq& s, std::int64_t held) {
    return std::max<std::int64_t>(0, held - s.path_tokens);
  }
  std::int64_t free_tokens() const { return capacity_tokens_ - private_tokens_ - locked_tokens_ - unlocked_tokens_; }

  Seq& get(std::int64_t id) {
    const auto it = seqs_.find(id);
    if (it == seqs_.end()) throw std::logic_error("radix: unknown sequence " + std::to_string(id));
    return it->second;
  }

  // Tokens of content id j of r (the last described id may be partial).
  static std::int32_t id_tokens_of(const Request& r, std::size_t j) {
    const std::int64_t end =
        std::min<std::int64_t>(described_tokens(r), static_cast<std::int64_t>(j + 1) * r.content_block_tokens);
    return static_cast<std::int32_t>(end - static_cast<std::int64_t>(j) * r.content_block_tokens);
  }

  // Longest match of r's ids in the tree, splitting the last node so the path ends at the match.
  std::pair<std::int32_t, std::int64_t> match_and_split(const Request& r) {
    std::int32_t node = kRoot;
    std::size_t pos = 0;
    std::int64_t tokens = 0;
    const auto& ids = r.content_ids;
    while (pos < ids.size()) {
      const auto it = nodes_[node].children.find(ids[pos]);
      if (it == nodes_[node].children.end()) break;
      const std::int32_t child = it->second;
      std::size_t k = 0;
      while (k < nodes_[child].ids.size() && pos + k < ids.size() && nodes_[child].ids[k] == ids[pos + k]) ++k;
      if (k < nodes_[child].ids.size()) {
        const std::int32_t head = split(child, k);
        tokens += nodes_[head].tokens;
        return {head, tokens};
      }
      tokens += nodes_[child].tokens;
      pos += k;
      node = child;
    }
    return {node, tokens};
  }

  // Split `node` after its first k ids; returns the new upper node (which keeps `node` as child).
  std::int32_t split(std::int32_t node, std::size_t k) {
    const auto upper = static_cast<std::int32_t>(new_node());
    Node& low = nodes_[node];
    Node& up = nodes_[upper];
    up.parent = low.parent;
    up.ids.assign(low.ids.begin(), low.ids.begin() + static_cast<std::ptrdiff_t>(k));
    up.id_tokens.assign(low.id_tokens.begin(), low.id_tokens.begin() + static_cast<std::ptrdiff_t>(k));
    for (auto t : up.id_tokens) up.tokens += t;
    up.lock_ref = low.lock_ref;
    up.last_access = low.last_access;
    low.ids.erase(low.ids.begin(), low.ids.begin() + static_cast<std::ptrdiff_t>(k));
    low.id_tokens.erase(low.id_tokens.begin(), low.id_tokens.begin() + static_cast<std::ptrdiff_t>(k));
    low.tokens -= up.tokens;
    nodes_[up.parent].children[up.ids.front()] = upper;
    up.children.emplace(low.ids.front(), node);
    low.parent = upper;
    return upper;
  }

  std::size_t new_node() {
    if (!dead_.empty()) {
      const auto n = static_cast<std::size_t>(dead_.back());
      dead_.pop_back();
      nodes_[n] = Node{};
      return n;
    }
    nodes_.emplace_back();
    return nodes_.size() - 1;
  }

  // Insert the ids of seq's sequence that end within its first `upto` tokens; move its lock to
  // the new deepest node; tokens that now live in the tree stop being private.
  void insert(Seq& seq, std::int64_t upto) {
    const Request& r = seq.request;
    std::size_t n_ids = 0;
    while (n_ids < r.content_ids.size() &&
           static_cast<std::int64_t>(n_ids) * r.content_block_tokens + id_tokens_of(r, n_ids) <= upto) {
      ++n_ids;
    }
    const std::int64_t private_before = private_of(seq, seq.held_tokens);
    std::int32_t node = kRoot;
    std::size_t pos = 0;
    std::int64_t tokens = 0;
    while (pos < n_ids) {
      const auto it = nodes_[node].children.find(r.content_ids[pos]);
      if (it == nodes_[node].children.end()) {
        const auto leaf = static_cast<std::int32_t>(new_node());
        Node& nl = nodes_[leaf];
        nl.parent = node;
        for (std::size_t j = pos; j < n_ids; ++j) {
          nl.ids.push_back(r.content_ids[j]);
          nl.id_tokens.push_back(id_tokens_of(r, j));
          nl.tokens += nl.id_tokens.back();
        }
        if (nodes_[node].children.empty() && node != kRoot && nodes_[node].lock_ref == 0)
          evictable_.erase({nodes_[node].last_access, node});
        nodes_[node].children.emplace(nl.ids.front(), leaf);
        unlocked_tokens_ += nl.tokens;  // locked below, with the rest of the path
        stats_.inserted_blocks += blocks_for(nl.tokens);
        tokens += nl.tokens;
        node = leaf;
        evictable_.insert({nodes_[leaf].last_access, leaf});
        break;
      }
      const std::int32_t child = it->second;
      std::size_t k = 0;
      while (k < nodes_[child].ids.size() && pos + k < n_ids && nodes_[child].ids[k] == r.content_ids[pos + k]) ++k;
      const std::int32_t reached = k < nodes_[child].ids.size() ? split(child, k) : child;
      tokens += nodes_[reached].tokens;
      pos += k;
      node = reached;
    }
    if (tokens <= seq.path_tokens) return;  // nothing new for this sequence
    lock_path(node, +1);
    lock_path(seq.last_node, -1);
    seq.last_node = node;
    seq.path_tokens = tokens;
    touch_path(node);
    private_tokens_ -= private_before - private_of(seq, seq.held_tokens);
  }

  void release(std::int64_t request_id) {
    const auto it = seqs_.find(request_id);
    if (it == seqs_.end()) throw std::logic_error("radix: release of unknown sequence");
    Seq& seq = it->second;
    private_tokens_ -= private_of(seq, seq.held_tokens);
    lock_path(seq.last_node, -1);
    seqs_.erase(it);
    if (private_tokens_ < 0) throw std::logic_error("radix: private tokens went negative");
  }

  void lock_path(std::int32_t node, int delta) {
    for (std::int32_t n = node; n != kRoot; n = nodes_[n].parent) {
      Node& x = nodes_[n];
      if (delta > 0 && x.lock_ref == 0) {
        unlocked_tokens_ -= x.tokens;
        locked_tokens_ += x.tokens;
        evictable_.erase({x.last_access, n});
      }
      x.lock_ref += delta;
      if (x.lock_ref < 0) throw std::logic_error("radix: lock released twice");
      if (delta < 0 && x.lock_ref == 0) {
        locked_tokens_ -= x.tokens;
        unlocked_tokens_ += x.tokens;
        if (x.children.empty()) evictable_.insert({x.last_access, n});
      }
    }
  }

  void touch_path(std::int32_t node) {
    ++clock_;
    for (std::int32_t n = node; n != kRoot; n = nodes_[n].parent) {
      Node& x = nodes_[n];
      const bool listed = evictable_.erase({x.last_access, n}) > 0;
      x.last_access = clock_;
      if (listed) evictable_.insert({x.last_access, n});
    }
  }

  void evict(std::int64_t tokens_needed) {
    std::int64_t freed = 0;
    while (freed < tokens_needed && !evictable_.empty()) {
      const auto victim = evictable_.begin()->second;
      evictable_.erase(evictable_.begin());
      Node& v = nodes_[victim];
      freed += v.tokens;
      unlocked_tokens_ -= v.tokens;
      stats_.evicted_blocks += blocks_for(v.tokens);
      Node& parent = nodes_[v.parent];
      parent.children.erase(v.ids.front());
      if (v.parent != kRoot && parent.children.empty() && parent.lock_ref == 0) {
        evictable_.insert({parent.last_access, v.parent});
      }
      v = Node{};
      v.alive = false;
      dead_.push_back(victim);
    }
  }

  std::int64_t capacity_tokens_;
  std::vector<Node> nodes_;
  std::vector<std::int32_t> dead_;
  std::set<std::pair<std::uint64_t, std::int32_t>> evictable_;  // unlocked leaves by last access
  std::unordered_map<std::int64_t, Seq> seqs_;
  std::int64_t private_tokens_ = 0;   // held by sequences outside the tree
  std::int64_t locked_tokens_ = 0;    // in tree nodes some sequence uses
  std::int64_t unlocked_tokens_ = 0;  // in tree nodes nobody uses (evictable, leaf by leaf)
  std::uint64_t clock_ = 0;
  KvCacheStats stats_;
};

}  // namespace

std::unique_ptr<KvCache> make_kv_cache_radix(std::int64_t total_blocks, std::int64_t block_tokens) {
  return std::make_unique<RadixCache>(total_blocks, block_tokens);
}

}  // namespace moelab::sim
