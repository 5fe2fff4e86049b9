#include "simulator/economics/cost_model.hpp"

namespace moelab::sim {

std::string_view billing_name(Billing b) { return b == Billing::per_active_gpu_hour ? "active" : "provisioned"; }

double GpuHourCost::total_usd_per_gpu_hour() const {
  double sum = 0;
  for (const auto& c : components) sum += c.usd_per_gpu_hour;
  return sum;
}

CostModelPtr read_cost_model(TableReader& table, const CostContext& context) {
  const auto& kinds = gpu_cost_model_registry();
  const std::string kind = table.choice("kind", kinds.names());
  auto model = kinds.lookup(kind).make(table, context);
  table.finish();
  return model;
}

}  // namespace moelab::sim
