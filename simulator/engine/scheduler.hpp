#pragma once
// Scheduling policy: the order in which a replica admits waiting sequences. The engine calls
// order() before each admission pass; the front of `waiting` is tried first, admission stops at
// the first sequence that does not fit (no skipping, as vLLM). Preempted sequences were pushed to
// the front by the engine. A cache-aware policy (SGLang's longest-prefix-first) reads
// KvCache::peek_cached_tokens here; adding one: scheduler_registry.cpp says how.
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/named_registry.hpp"
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

// Policy registry (scheduler_registry.cpp): name -> factory, keyed by engine.scheduler.
using SchedulerFactory = std::unique_ptr<Scheduler>();
const NamedRegistry<SchedulerFactory>& scheduler_registry();
// scheduler_registry().lookup(name).make(): unknown names throw InputError (engine.scheduler).
std::unique_ptr<Scheduler> make_scheduler(std::string_view name);

}  // namespace moelab::sim
