// `moelab list costs`: the cost-model kinds ([costs.<name>] kind), the rental tiers each GPU has
// (data/prices/gpu_rental_ranges.toml) and the owned server types (data/prices/tco.toml).
#include <fmt/format.h>

#include "lab/cli/list_topics.hpp"
#include "lab/config/spec_tco.hpp"
#include "simulator/economics/cost_model.hpp"

namespace moelab::cli {

std::vector<ListEntry> list_costs() {
  std::vector<ListEntry> out;
  for (const auto& e : sim::gpu_cost_model_registry().entries())
    out.push_back({e.name, "cost model: " + e.description});
  const sim::CostData data = config::load_cost_data();
  for (const auto& r : data.rental) {
    std::string tiers;
    for (const auto& tier : sim::kRentalTiers) {
      if (const auto it = r.usd_per_gpu_hour.find(tier); it != r.usd_per_gpu_hour.end()) {
        tiers += fmt::format("{}{} {:.2f}", tiers.empty() ? "" : ", ", tier, it->second);
      }
    }
    out.push_back({"  " + r.hardware_id, "rent tiers, USD/GPU-h (" + r.date + "): " + tiers});
  }
  for (const auto& s : data.servers) {
    out.push_back({"  " + s.id, fmt::format("own: {} x {}, capex {:.0f} USD + network {:.0f} USD, {:g} kW max", s.gpus,
                                            s.hardware_id, s.server_capex_usd, s.network_capex_usd, s.max_power_kw)});
  }
  return out;
}

}  // namespace moelab::cli
