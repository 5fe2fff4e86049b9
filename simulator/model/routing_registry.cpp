#include "simulator/model/moe_routing.hpp"

namespace moelab::sim {

ExpertSharesFn routing_uniform;   // routing_uniform.cpp
ExpertSharesFn routing_zipf;      // routing_zipf.cpp
ExpertSharesFn routing_measured;  // routing_measured.cpp

const NamedRegistry<ExpertSharesFn>& routing_registry() {
  static const NamedRegistry<ExpertSharesFn> registry(
      "moe.routing", "routing model",
      {
          {"uniform", "every routed expert equally likely (a perfectly balanced router)", routing_uniform},
          {"zipf", "expert popularity ~ (rank + 1)^-zipf_s, ranks shuffled over the experts by the seed", routing_zipf},
          {"measured", "tokens_per_expert of a kernel-lab HDF5 file (moelab ab, router ops)", routing_measured},
      });
  return registry;
}

std::vector<double> expert_shares(const RoutingSpec& spec, std::int64_t experts, std::uint64_t seed) {
  return routing_registry().lookup(spec.kind).make(spec, experts, seed);
}

}  // namespace moelab::sim
