#pragma once
// Price and TCO data the cost models draw their defaults from. lab/config fills these from
// data/prices/gpu_rental_ranges.toml and data/prices/tco.toml (every value there has a source).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace moelab::sim {

// Rental tiers, in the order they are listed and swept.
inline const std::vector<std::string> kRentalTiers = {"on_demand_low", "on_demand_typical", "on_demand_high",
                                                      "reserved", "spot"};

struct GpuRentalRange {  // [gpu.<hardware id>]
  std::string hardware_id;
  std::map<std::string, double> usd_per_gpu_hour;  // tier -> price; only the tiers the file gives
  std::string date;
};

struct OwnedServer {        // [server.<id>]
  std::string id;           // "hgx-h200-8gpu"
  std::string hardware_id;  // the GPU it carries (data/hardware id)
  std::int64_t gpus = 0;
  double server_capex_usd = 0;
  double network_capex_usd = 0;  // the node's share of the cluster fabric
  double max_power_kw = 0;       // whole server, datasheet maximum
};

struct FacilityDefaults {  // [facility]
  double depreciation_years = 0;
  double pue = 0;
  double usd_per_kwh = 0;
  double hosting_usd_per_kw_month = 0;  // colocation, per kW of contracted (maximum) power
  double ops_usd_per_node_year = 0;
  double gpu_idle_fraction_of_tdp = 0;
};

struct CostData {
  std::vector<GpuRentalRange> rental;
  std::vector<OwnedServer> servers;
  FacilityDefaults facility;

  const GpuRentalRange* rental_for(const std::string& hardware_id) const {
    for (const auto& r : rental) {
      if (r.hardware_id == hardware_id) return &r;
    }
    return nullptr;
  }
  const OwnedServer* server(const std::string& id) const {
    for (const auto& s : servers) {
      if (s.id == id) return &s;
    }
    return nullptr;
  }
};

}  // namespace moelab::sim
