#pragma once
// Routing policy: which replica serves an arriving request. Chosen by name
// (ClusterSpec::router); adding one: router_registry.cpp says how.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/named_registry.hpp"
#include "simulator/workload/request.hpp"

namespace moelab::sim {

struct ReplicaLoad {
  std::int64_t running = 0;     // sequences in the running batch
  std::int64_t waiting = 0;     // sequences queued at the replica
  double kv_used_fraction = 0;  // KV blocks pinned by running sequences / all KV blocks
  // Prompt tokens of this request the replica's prefix cache would serve now (its best DP rank);
  // filled only for routers whose wants_prefix_match() is true (a lookup per replica per request).
  std::int64_t cached_prefix_tokens = 0;
  std::int64_t outstanding() const { return running + waiting; }
};

class Router {
 public:
  virtual ~Router() = default;
  virtual std::string_view name() const = 0;
  // Index into `loads` (one entry per replica, in replica order).
  virtual std::int32_t route(const Request& request, std::span<const ReplicaLoad> loads) = 0;
  // True when route() reads ReplicaLoad::cached_prefix_tokens.
  virtual bool wants_prefix_match() const { return false; }
};

// Policy registry (router_registry.cpp): name -> factory, keyed by cluster.router. `seed` feeds
// routers that randomise (their own stream).
using RouterFactory = std::unique_ptr<Router>(std::uint64_t seed);
const NamedRegistry<RouterFactory>& router_registry();
// router_registry().lookup(name).make(seed): unknown names throw InputError (cluster.router).
std::unique_ptr<Router> make_router(std::string_view name, std::uint64_t seed);

}  // namespace moelab::sim
