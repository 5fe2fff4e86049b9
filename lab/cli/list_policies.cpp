// `moelab list policies`: the simulator's policy registries, by the config key that picks one.
#include "lab/cli/list_topics.hpp"
#include "simulator/cluster/router.hpp"
#include "simulator/engine/kv_cache.hpp"
#include "simulator/engine/scheduler.hpp"

namespace moelab::cli {

std::vector<ListEntry> list_policies() {
  std::vector<ListEntry> out;
  for (const auto& n : sim::kv_cache_policies()) out.push_back({n, "kv cache (engine.cache_policy)"});
  for (const auto& n : sim::scheduler_policies()) out.push_back({n, "scheduler (engine.scheduler)"});
  for (const auto& n : sim::router_policies()) out.push_back({n, "router (cluster.router)"});
  return out;
}

}  // namespace moelab::cli
