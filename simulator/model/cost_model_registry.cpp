// The instance cost models. Adding one: a file cost_model_<name>.cpp defining
// `std::unique_ptr<InstanceCostModel> make_cost_model_<name>(const CostModelContext&)`, plus its
// declaration and its table line below.
#include "simulator/model/cost_model.hpp"

namespace moelab::sim {

CostModelFactory make_cost_model_roofline;  // cost_model_roofline.cpp

const NamedRegistry<CostModelFactory>& cost_model_registry() {
  static const NamedRegistry<CostModelFactory> registry(
      "engine.cost_model", "cost model",
      {
          {"roofline", "per-operator roofline (compute or memory bound) plus collectives", make_cost_model_roofline},
      });
  return registry;
}

std::unique_ptr<InstanceCostModel> make_cost_model(std::string_view name, const CostModelContext& context) {
  return cost_model_registry().lookup(name).make(context);
}

}  // namespace moelab::sim
