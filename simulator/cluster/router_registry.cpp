// The routing-policy registry: one declaration and one table line per policy.
#include <string>

#include "base/input_error.hpp"
#include "simulator/cluster/router.hpp"

namespace moelab::sim {

std::unique_ptr<Router> make_router_round_robin(std::uint64_t seed);  // router_round_robin.cpp
std::unique_ptr<Router> make_router_least_load(std::uint64_t seed);   // router_least_load.cpp

namespace {
struct RouterPolicy {
  const char* name;
  std::unique_ptr<Router> (*make)(std::uint64_t seed);
};
const RouterPolicy kPolicies[] = {
    {"round_robin", &make_router_round_robin},
    {"least_load", &make_router_least_load},
};
}  // namespace

std::unique_ptr<Router> make_router(std::string_view name, std::uint64_t seed) {
  for (const auto& p : kPolicies)
    if (name == p.name) return p.make(seed);
  std::string known;
  for (const auto& p : kPolicies) known += (known.empty() ? "" : ", ") + std::string(p.name);
  throw InputError({}, "cluster.router", "unknown router '" + std::string(name) + "' (known: " + known + ")");
}

std::vector<std::string> router_policies() {
  std::vector<std::string> names;
  for (const auto& p : kPolicies) names.emplace_back(p.name);
  return names;
}

}  // namespace moelab::sim
