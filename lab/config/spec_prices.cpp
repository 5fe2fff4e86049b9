#include "lab/config/spec_prices.hpp"

#include "lab/config/spec_loaders.hpp"
#include "lab/config/strict_toml.hpp"

namespace moelab::config {

std::vector<GpuRentalPrice> load_gpu_rental_prices() {
  const auto path = data_dir() / "prices" / "gpu_rental.toml";
  const toml::table doc = parse_file(path);
  StrictTable root(doc, path.string());
  std::vector<GpuRentalPrice> out;
  for (const auto& [key, node] : doc) {
    GpuRentalPrice p;
    p.hardware_id = std::string(key.str());
    StrictTable t = root.table(p.hardware_id);
    p.default_usd_per_gpu_hour = t.positive_number("default_usd_per_gpu_hour");
    p.on_demand_low_usd_per_gpu_hour = t.non_negative_number_or("on_demand_low_usd_per_gpu_hour", 0.0);
    p.on_demand_high_usd_per_gpu_hour = t.non_negative_number_or("on_demand_high_usd_per_gpu_hour", 0.0);
    p.spot_usd_per_gpu_hour = t.non_negative_number_or("spot_usd_per_gpu_hour", 0.0);
    t.non_negative_number_or("index_usd_per_gpu_hour", 0.0);
    t.string_or("index_date", "");
    t.non_negative_number_or("hyperscaler_high_usd_per_gpu_hour", 0.0);
    p.date = t.string("date");
    p.source = t.string("source");
    if (p.source.empty()) t.fail("source", "must not be empty");
    t.finish();
    out.push_back(std::move(p));
  }
  root.finish();
  return out;
}

std::vector<ApiPrice> load_api_prices() {
  const auto path = data_dir() / "prices" / "api.toml";
  const toml::table doc = parse_file(path);
  StrictTable root(doc, path.string());
  std::vector<ApiPrice> out;
  for (auto& t : root.tables("price")) {
    ApiPrice p;
    p.provider = t.string("provider");
    p.model = t.string("model");
    p.cache_hit_input_usd_per_mtok = t.non_negative_number_or("cache_hit_input_usd_per_mtok", 0.0);
    p.input_usd_per_mtok = t.positive_number("input_usd_per_mtok");
    p.output_usd_per_mtok = t.non_negative_number_or("output_usd_per_mtok", 0.0);
    p.date = t.string("date");
    p.source = t.string("source");
    if (p.source.empty()) t.fail("source", "must not be empty");
    t.finish();
    out.push_back(std::move(p));
  }
  root.finish();
  return out;
}

}  // namespace moelab::config
