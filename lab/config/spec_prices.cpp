#include "lab/config/spec_prices.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "lab/config/sourced_table.hpp"
#include "lab/config/spec_loaders.hpp"
#include "lab/config/strict_toml.hpp"

namespace moelab::config {
namespace {

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

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
  const auto models = list_ids("models");
  std::vector<ApiPrice> out;
  std::vector<StrictTable> entries = root.tables("price");
  std::vector<std::string> ids;
  for (auto& t : entries) ids.push_back(t.string("id"));
  for (std::size_t i = 0; i < entries.size(); ++i) {
    auto& t = entries[i];
    ApiPrice p;
    p.id = ids[i];
    const auto earlier = std::find(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(i), p.id);
    if (earlier != ids.begin() + static_cast<std::ptrdiff_t>(i)) {
      t.fail("id", fmt::format("'{}' is already the id of price[{}]", p.id, earlier - ids.begin()));
    }
    p.provider = t.string("provider");
    p.model = t.string("model");
    p.cache_hit_input_usd_per_mtok = t.non_negative_number_or("cache_hit_input_usd_per_mtok", 0.0);
    p.input_usd_per_mtok = t.positive_number("input_usd_per_mtok");
    p.output_usd_per_mtok = t.non_negative_number_or("output_usd_per_mtok", 0.0);
    p.batch_input_usd_per_mtok = t.non_negative_number_or("batch_input_usd_per_mtok", 0.0);
    p.batch_output_usd_per_mtok = t.non_negative_number_or("batch_output_usd_per_mtok", 0.0);
    p.batch_discount_fraction = t.has("batch_discount_fraction") ? t.fraction("batch_discount_fraction") : 0.0;
    // Read and range-checked, not priced (moelab's requests stay below these thresholds).
    for (const char* key :
         {"priority_input_usd_per_mtok", "priority_output_usd_per_mtok", "cache_write_5m_usd_per_mtok",
          "cache_write_1h_usd_per_mtok", "long_context_input_usd_per_mtok", "long_context_output_usd_per_mtok",
          "long_context_cache_hit_input_usd_per_mtok"}) {
      t.non_negative_number_or(key, 0.0);
    }
    for (const char* key :
         {"long_context_threshold_tokens", "tier_min_input_tokens", "tier_max_input_tokens", "max_input_tokens"}) {
      t.non_negative_integer_or(key, 0);
    }
    p.tier = t.has("tier") ? t.choice("tier", {"batch", "flex", "priority", "long_context"}) : "";
    p.tier_of = t.string_or("tier_of", "");
    if (p.tier.empty() != p.tier_of.empty())
      t.fail(p.tier.empty() ? "tier_of" : "tier", "tier and tier_of go together");
    if (!p.tier_of.empty() && !contains(ids, p.tier_of))
      t.fail("tier_of", fmt::format("no entry has id '{}'", p.tier_of));
    p.model_id = t.string_or("model_id", "");
    if (!p.model_id.empty() && !contains(models, p.model_id)) {
      t.fail("model_id", fmt::format("'{}' is not a data/models id", p.model_id));
    }
    p.quality_id = t.string_or("quality_id", "");
    p.kind = t.choice_or("kind", {"list", "third_party_host"}, "list");
    t.string_or("vendor_page", "");
    t.string_or("batch_source", "");
    t.string_or("confirmed", "");
    t.string_or("notes", "");
    p.date = t.string("date");
    p.source = t.string("source");
    if (p.source.empty()) t.fail("source", "must not be empty");
    t.finish();
    out.push_back(std::move(p));
  }
  root.finish();
  return out;
}

std::vector<sim::GpuRentalRange> load_gpu_rental_ranges() {
  const auto path = data_dir() / "prices" / "gpu_rental_ranges.toml";
  const toml::table doc = parse_file(path);
  StrictTable root(doc, path.string());
  const auto hardware = list_ids("hardware");
  std::vector<sim::GpuRentalRange> out;
  StrictTable gpus = root.table("gpu");
  for (const auto& [key, node] : gpus.raw()) {
    sim::GpuRentalRange r;
    r.hardware_id = std::string(key.str());
    SourcedTable entry(gpus.table(r.hardware_id));
    StrictTable& t = entry.table();
    if (!contains(hardware, r.hardware_id))
      gpus.fail(r.hardware_id, fmt::format("'{}' is not a data/hardware id", r.hardware_id));
    for (const auto& tier : sim::kRentalTiers) {
      const std::string field = tier + "_usd_per_gpu_hour";
      if (t.has(field)) r.usd_per_gpu_hour[tier] = t.positive_number(field);
    }
    // Evidence beside the tiers (not priced).
    t.non_negative_number_or("index_usd_per_gpu_hour", 0.0);
    t.non_negative_number_or("on_demand_hyperscaler_list_pre_cut_usd_per_gpu_hour", 0.0);
    r.date = t.string("date");
    entry.finish();
    out.push_back(std::move(r));
  }
  gpus.finish();
  {
    SourcedTable rules(root.table("discount_rules"));
    for (const char* key : {"reserved_1_to_3_yr_discount_low", "reserved_1_to_3_yr_discount_high",
                            "short_term_6_to_12_month_discount_low", "short_term_6_to_12_month_discount_high",
                            "spot_discount_low", "spot_discount_high", "aws_h100_on_demand_cut_2025"}) {
      rules.table().fraction(key);
    }
    rules.finish();
  }
  for (auto& q : root.tables("quote")) {
    const std::string gpu = q.string("gpu");
    if (!contains(hardware, gpu)) q.fail("gpu", fmt::format("'{}' is not a data/hardware id", gpu));
    q.string("provider");
    q.choice("kind", {"on_demand", "spot", "reserved", "capacity_block", "index", "blended_effective"});
    q.string_or("instance", "");
    q.positive_number_or("usd_per_instance_hour", 1.0);
    q.positive_number("usd_per_gpu_hour");
    q.string("date");
    if (q.string("source").empty()) q.fail("source", "must not be empty");
    q.finish();
  }
  root.finish();
  return out;
}

}  // namespace moelab::config
