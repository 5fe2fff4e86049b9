// "none": a plain paged allocator, as vLLM without prefix caching. Each running sequence owns
// ceil(tokens / block_tokens) blocks; nothing is shared and nothing stays cached after finish.
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "simulator/engine/block_key_index.hpp"
#include "simulator/engine/kv_cache.hpp"

namespace moelab::sim {
namespace {

class KvCacheNone final : public KvCache {
 public:
  using KvCache::KvCache;

  std::string_view policy() const override { return "none"; }
  std::int64_t peek_cached_tokens(const Request&) const override { return 0; }

  std::int64_t start(const Request& r) override {
    if (r.id < 0) throw std::logic_error("kv_cache none: negative request id");
    if (held_.contains(static_cast<std::uint64_t>(r.id)))
      throw std::logic_error("kv_cache none: start() of a running sequence " + std::to_string(r.id));
    held_.insert(static_cast<std::uint64_t>(r.id), 0);
    stats_.lookup_tokens += r.prompt_tokens;
    return 0;
  }

  bool reserve(std::int64_t request_id, std::int64_t tokens) override {
    std::int32_t& held = owned(request_id, "reserve");
    const std::int64_t need = blocks_for(tokens) - held;
    if (need <= 0) return true;
    if (need > total_blocks() - pinned_) return false;
    held = static_cast<std::int32_t>(held + need);
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
  // Blocks held per running request, by request id. A map of the rank's live sequences only: a
  // flat vector indexed by request id costs 8 bytes per request of the whole run in every rank's
  // cache (1,024 DP ranks x 1M requests = 8 GB).
  std::int32_t& owned(std::int64_t id, const char* what) {
    std::int32_t* held = id < 0 ? nullptr : held_.find_value(static_cast<std::uint64_t>(id));
    if (held == nullptr)
      throw std::logic_error(std::string("kv_cache none: ") + what + "() of unknown sequence " + std::to_string(id));
    return *held;
  }
  void release(std::int64_t id, const char* what) {
    pinned_ -= owned(id, what);
    held_.erase(static_cast<std::uint64_t>(id));
  }

  BlockKeyIndex held_;
  std::int64_t pinned_ = 0;
  KvCacheStats stats_;
};

}  // namespace

std::unique_ptr<KvCache> make_kv_cache_none(std::int64_t total_blocks, std::int64_t block_tokens) {
  return std::make_unique<KvCacheNone>(total_blocks, block_tokens);
}

}  // namespace moelab::sim
