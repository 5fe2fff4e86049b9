#pragma once
// Scheduling policy: the order in which a replica admits waiting sequences. The engine calls
// order() before each admission pass; the front of `waiting` is tried first, admission stops at
// the first sequence that does not fit (no skipping, as vLLM). Preempted sequences were pushed to
// the front by the engine. A cache-aware policy (SGLang's longest-prefix-first) reads
// KvCache::peek_cached_tokens here; adding one is one file plus one line in scheduler_registry.cpp.
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/engine/kv_cache.hpp"
#include "simulator/engine/sequence.hpp"

namespace moelab::sim {

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  virtual std::string_view name() const = 0;
  // Called before admission, only when `waiting` is non-empty. Must be deterministic.
  virtual void order(std::deque<Sequence*>& waiting, const KvCache& cache) = 0;
};

// Unknown names throw InputError (key engine.scheduler).
std::unique_ptr<Scheduler> make_scheduler(std::string_view name);
std::vector<std::string> scheduler_policies();

}  // namespace moelab::sim
