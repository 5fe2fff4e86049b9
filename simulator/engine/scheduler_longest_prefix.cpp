// "longest_prefix": SGLang's cache-aware scheduling ("lpm", longest prefix match). Waiting
// sequences whose prompts the cache already holds most of go first, so a shared prefix is reused
// while it is still resident instead of being evicted by unrelated prompts in between; ties keep
// arrival order. As in SGLang, a long queue (> 128 waiting) falls back to FCFS, because matching
// every waiting prompt on every step would cost more than it saves; SGLang's FCFS branch leaves
// the queue as it stands (no sort), and so does this one: re-sorting thousands of waiting
// sequences by id on every step took > 90% of a Mooncake-trace replay's wall time.
#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "simulator/engine/scheduler.hpp"

namespace moelab::sim {
namespace {

constexpr std::size_t kMaxQueueForPrefixMatching = 128;  // SGLang schedule_policy.py's cut-off

class SchedulerLongestPrefix final : public Scheduler {
 public:
  std::string_view name() const override { return "longest_prefix"; }

  void order(std::deque<Sequence*>& waiting, const KvCache& cache) override {
    if (waiting.size() > kMaxQueueForPrefixMatching) return;  // FCFS: the queue as it stands
    keyed_.clear();
    for (Sequence* s : waiting) keyed_.emplace_back(cache.peek_cached_tokens(s->request), s);
    std::sort(keyed_.begin(), keyed_.end(), [](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first > b.first;
      return a.second->request.id < b.second->request.id;
    });
    for (std::size_t i = 0; i < keyed_.size(); ++i) waiting[i] = keyed_[i].second;
  }

 private:
  std::vector<std::pair<std::int64_t, Sequence*>> keyed_;  // reused: no allocation per step
};

}  // namespace

std::unique_ptr<Scheduler> make_scheduler_longest_prefix() { return std::make_unique<SchedulerLongestPrefix>(); }

}  // namespace moelab::sim
