#pragma once
// Which experts a token's router picks, as a share per routed expert (the probability that one of
// a token's k choices lands on it; shares sum to 1). Chosen by name ([moe] routing) from a
// registry: `uniform`, `zipf` (popularity ~ (rank + 1)^-zipf_s over a seeded shuffle of the
// experts), `measured` (the tokens_per_expert of a kernel-lab HDF5 file: lab/ reads the file and
// hands the counts over here, the simulator reads no HDF5). Adding a kind: a file
// routing_<name>.cpp with `std::vector<double> routing_<name>(const RoutingSpec&, std::int64_t,
// std::uint64_t)`, its declaration and table line in routing_registry.cpp, and any parameter it
// needs read in lab/experiment/simulation_plan.cpp.
#include <cstdint>
#include <string>
#include <vector>

#include "base/named_registry.hpp"

namespace moelab::sim {

struct RoutingSpec {
  std::string kind = "uniform";
  double zipf_s = 1.0;                             // zipf: popularity exponent
  std::vector<double> measured_tokens_per_expert;  // measured: counts per expert, in expert order
  std::string measured_source;                     // measured: file and dataset they came from
  bool eplb = false;                               // place experts (and redundant copies) by expected load
  std::int64_t max_nodes_per_token = 0;  // node-limited routing (DeepSeek-V3: 4); 0 = the model's groups decide
};

// Share per routed expert for `experts` experts; `seed` feeds kinds that randomise.
using ExpertSharesFn = std::vector<double>(const RoutingSpec& spec, std::int64_t experts, std::uint64_t seed);
const NamedRegistry<ExpertSharesFn>& routing_registry();
std::vector<double> expert_shares(const RoutingSpec& spec, std::int64_t experts, std::uint64_t seed);

}  // namespace moelab::sim
