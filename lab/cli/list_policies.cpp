// `moelab list policies`: the simulator's policy registries, by the config key that picks one.
#include "lab/cli/list_topics.hpp"
#include "simulator/cluster/router.hpp"
#include "simulator/engine/kv_cache.hpp"
#include "simulator/engine/scheduler.hpp"
#include "simulator/model/cost_model.hpp"
#include "simulator/model/moe_routing.hpp"
#include "simulator/model/overlap.hpp"

namespace moelab::cli {
namespace {

template <class Registry>
void add_entries(std::vector<ListEntry>& out, const Registry& registry, const std::string& kind) {
  for (const auto& e : registry.entries())
    out.push_back({e.name, kind + " (" + registry.key() + "): " + e.description});
}

}  // namespace

std::vector<ListEntry> list_policies() {
  std::vector<ListEntry> out;
  add_entries(out, sim::kv_cache_registry(), "kv cache");
  add_entries(out, sim::scheduler_registry(), "scheduler");
  add_entries(out, sim::router_registry(), "router");
  add_entries(out, sim::cost_model_registry(), "cost model");
  add_entries(out, sim::overlap_registry(), "overlap policy");
  add_entries(out, sim::routing_registry(), "routing model");
  return out;
}

}  // namespace moelab::cli
