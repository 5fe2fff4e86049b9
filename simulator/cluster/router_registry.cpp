// The routing policies. Adding one: a file router_<name>.cpp defining
// `std::unique_ptr<Router> make_router_<name>(std::uint64_t seed)`, plus its declaration and its table
// line below.
#include "simulator/cluster/router.hpp"

namespace moelab::sim {

RouterFactory make_router_round_robin;      // router_round_robin.cpp
RouterFactory make_router_least_load;       // router_least_load.cpp
RouterFactory make_router_least_kv;         // router_least_kv.cpp
RouterFactory make_router_prefix_affinity;  // router_prefix_affinity.cpp

const NamedRegistry<RouterFactory>& router_registry() {
  static const NamedRegistry<RouterFactory> registry(
      "cluster.router", "router",
      {
          {"round_robin", "replicas in turn, in arrival order, blind to load", make_router_round_robin},
          {"least_load", "fewest outstanding (running + waiting) requests, lowest index on ties",
           make_router_least_load},
          {"least_kv", "least used KV cache (pinned / total blocks), then fewest outstanding, lowest index",
           make_router_least_kv},
          {"prefix_affinity",
           "longest cached prompt prefix (>= 30% of the prompt) while loads are balanced, else least load (SGLang "
           "router)",
           make_router_prefix_affinity},
      });
  return registry;
}

std::unique_ptr<Router> make_router(std::string_view name, std::uint64_t seed) {
  return router_registry().lookup(name).make(seed);
}

}  // namespace moelab::sim
