#include "lab/config/spec_demand.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "lab/config/sourced_table.hpp"
#include "lab/config/spec_loaders.hpp"

namespace moelab::config {

std::vector<DiurnalShapeData> load_diurnal_shapes() {
  const auto path = data_dir() / "demand" / "diurnal.toml";
  const toml::table doc = parse_file(path);
  StrictTable root(doc, path.string());
  std::vector<DiurnalShapeData> out;
  StrictTable shapes = root.table("shape");
  for (const auto& [key, node] : shapes.raw()) {
    DiurnalShapeData d;
    d.shape.name = std::string(key.str());
    SourcedTable entry(shapes.table(d.shape.name));
    StrictTable& t = entry.table();
    d.timezone = t.string("timezone");
    const auto fractions = t.number_array("hourly_fraction");
    if (fractions.size() != 24)
      t.fail("hourly_fraction", fmt::format("needs 24 values (one per hour), got {}", fractions.size()));
    if (std::any_of(fractions.begin(), fractions.end(), [](double f) { return !(f > 0); })) {
      t.fail("hourly_fraction", "every value must be > 0");
    }
    const double sum = std::accumulate(fractions.begin(), fractions.end(), 0.0);
    if (std::abs(sum - 1.0) > 1e-3)
      t.fail("hourly_fraction", fmt::format("must sum to 1 (within 1e-3), sums to {}", sum));
    for (std::size_t h = 0; h < 24; ++h) d.shape.hourly_fraction[h] = fractions[h] / sum;
    const double peak = 24.0 * *std::max_element(fractions.begin(), fractions.end());
    const double trough = 24.0 * *std::min_element(fractions.begin(), fractions.end());
    d.peak_to_mean = t.positive_number("peak_to_mean");
    d.trough_to_mean = t.positive_number("trough_to_mean");
    if (std::abs(d.peak_to_mean - peak) > 0.01) {
      t.fail("peak_to_mean", fmt::format("{} disagrees with 24 x max(hourly_fraction) = {:.3f}", d.peak_to_mean, peak));
    }
    if (std::abs(d.trough_to_mean - trough) > 0.01) {
      t.fail("trough_to_mean",
             fmt::format("{} disagrees with 24 x min(hourly_fraction) = {:.3f}", d.trough_to_mean, trough));
    }
    if (t.has("mean_requests_per_minute_by_hour")) {
      if (t.number_array("mean_requests_per_minute_by_hour").size() != 24) {
        t.fail("mean_requests_per_minute_by_hour", "needs 24 values");
      }
    }
    t.positive_integer_or("days_averaged", 1);
    t.positive_integer_or("trace_total_requests", 1);
    t.positive_number_or("weekend_to_weekday_daily_volume", 1.0);
    t.string_or("date", "");
    entry.finish({"date", "timezone"});
    out.push_back(std::move(d));
  }
  shapes.finish();
  if (auto notes = root.table_if_present("notes")) {
    for (const auto& [key, node] : notes->raw()) notes->string(key.str());
    notes->finish();
  }
  root.finish();
  return out;
}

}  // namespace moelab::config
