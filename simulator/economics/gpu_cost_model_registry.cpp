// The cost-model registry: one declaration and one table line per kind.
#include "simulator/economics/cost_model.hpp"

namespace moelab::sim {

ReadCostModel read_rent_cost_model;  // cost_rent.cpp
ReadCostModel read_own_cost_model;   // cost_own.cpp

const NamedRegistry<ReadCostModel>& gpu_cost_model_registry() {
  static const NamedRegistry<ReadCostModel> registry(
      "costs.<name>.kind", "cost model",
      {
          {"rent", "a rental price per GPU-hour: a tier of data/prices/gpu_rental_ranges.toml or an explicit price",
           read_rent_cost_model},
          {"own", "owned servers: capex and network depreciated, colocation, operations, power by utilisation x PUE",
           read_own_cost_model},
      });
  return registry;
}

}  // namespace moelab::sim
