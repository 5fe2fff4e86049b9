#pragma once
// Price data (data/prices/): GPU rental snapshots and API prices per million tokens, with dates.
#include <string>
#include <string_view>
#include <vector>

namespace moelab::config {

struct GpuRentalPrice {
  std::string hardware_id;
  double default_usd_per_gpu_hour = 0;  // what HardwareSpec::usd_per_gpu_hour defaults to
  double on_demand_low_usd_per_gpu_hour = 0;   // 0 = not given
  double on_demand_high_usd_per_gpu_hour = 0;
  double spot_usd_per_gpu_hour = 0;
  std::string date;
  std::string source;
};

struct ApiPrice {
  std::string provider;
  std::string model;
  double cache_hit_input_usd_per_mtok = 0;  // 0 = not given
  double input_usd_per_mtok = 0;
  double output_usd_per_mtok = 0;           // 0 = not given
  std::string date;
  std::string source;
};

// All entries of data/prices/gpu_rental.toml, in file (key) order; strict (unknown keys are errors).
std::vector<GpuRentalPrice> load_gpu_rental_prices();
// All [[price]] entries of data/prices/api.toml, in file order; strict.
std::vector<ApiPrice> load_api_prices();

}  // namespace moelab::config
