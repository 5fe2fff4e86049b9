#pragma once
// Price data (data/prices/): GPU rental snapshots and ranges, API prices per million tokens, with
// dates and sources. Owned-hardware (TCO) data: spec_tco.hpp.
#include <string>
#include <string_view>
#include <vector>

#include "simulator/economics/api_price.hpp"
#include "simulator/economics/cost_data.hpp"

namespace moelab::config {

struct GpuRentalPrice {
  std::string hardware_id;
  double default_usd_per_gpu_hour = 0;        // what HardwareSpec::usd_per_gpu_hour defaults to
  double on_demand_low_usd_per_gpu_hour = 0;  // 0 = not given
  double on_demand_high_usd_per_gpu_hour = 0;
  double spot_usd_per_gpu_hour = 0;
  std::string date;
  std::string source;
};

using ApiPrice = sim::ApiPrice;

// All entries of data/prices/gpu_rental.toml, in file (key) order; strict (unknown keys are errors).
std::vector<GpuRentalPrice> load_gpu_rental_prices();
// All [[price]] entries of data/prices/api.toml, in file order; strict: unique ids, tier_of naming
// an entry, model_id naming a data/models file.
std::vector<ApiPrice> load_api_prices();
// [gpu.<id>] of data/prices/gpu_rental_ranges.toml (ids of data/hardware files), every price
// sourced; the [[quote]] rows and [discount_rules] are checked too.
std::vector<sim::GpuRentalRange> load_gpu_rental_ranges();

}  // namespace moelab::config
