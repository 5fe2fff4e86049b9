// "none": a plain paged allocator, as vLLM without prefix caching. Each running sequence owns
// ceil(tokens / block_tokens) blocks; nothing is shared and nothing stays cached after finish.
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "simulator/engine/kv_cache.hpp"

namespace moelab::sim {
namespace {

class KvCacheNone final : public KvCache {
 public:
  using KvCache::KvCache;

  std::string_view policy() const override { return "none"; }
  std::int64_t peek_cached_tokens(const Request&) const override { return 0; }

  std::int64_t start(const Request& r) override {
    auto& held = slot(r.id);
    if (held != kAbsent) throw std::logic_error("kv_cache none: start() of a running sequence " + std::to_string(r.id));
    held = 0;
    stats_.lookup_tokens += r.prompt_tokens;
    return 0;
  }

  bool reserve(std::int64_t request_id, std::int64_t tokens) override {
    auto& held = owned(request_id, "reserve");
    const std::int64_t need = blocks_for(tokens) - held;
    if (need <= 0) return true;
    if (need > total_blocks() - pinned_) return false;
    held += need;
    pinned_ += need;
    return true;
  }

  void prefill_done(std::int64_t request_id) override { owned(request_id, "prefill_done"); }
  void finish(std::int64_t request_id) override { release(request_id, "finish"); }
  void preempt(std::int64_t request_id) override { release(request_id, "preempt"); }

  std::int64_t pinned_blocks() const override { return pinned_; }
  std::int64_t cached_blocks() const override { return 0; }
  KvCacheStats stats() const override { return stats_; }

 private:
  // Request ids are dense, so a flat vector beats a hash map (one load per reserve).
  static constexpr std::int64_t kAbsent = -1;

  std::int64_t& slot(std::int64_t id) {
    if (id < 0) throw std::logic_error("kv_cache none: negative request id");
    if (static_cast<std::size_t>(id) >= blocks_by_id_.size())
      blocks_by_id_.resize(std::max<std::size_t>(static_cast<std::size_t>(id) + 1, blocks_by_id_.size() * 2), kAbsent);
    return blocks_by_id_[static_cast<std::size_t>(id)];
  }
  std::int64_t& owned(std::int64_t id, const char* what) {
    auto& held = slot(id);
    if (held == kAbsent)
      throw std::logic_error(std::string("kv_cache none: ") + what + "() of unknown sequence " + std::to_string(id));
    return held;
  }
  void release(std::int64_t id, const char* what) {
    auto& held = owned(id, what);
    pinned_ -= held;
    held = kAbsent;
  }

  std::vector<std::int64_t> blocks_by_id_;
  std::int64_t pinned_ = 0;
  KvCacheStats stats_;
};

}  // namespace

std::unique_ptr<KvCache> make_kv_cache_none(std::int64_t total_blocks, std::int64_t block_tokens) {
  return std::make_unique<KvCacheNone>(total_blocks, block_tokens);
}

}  // namespace moelab::sim
