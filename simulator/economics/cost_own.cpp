// Cost kind "own": owned servers (data/prices/tco.toml [server.<id>], defaults from [facility]),
// every component paid for each provisioned GPU around the clock:
//   capex    server_capex_usd / (depreciation_years x 8760 h) / gpus   (straight line, no residual
//            value, no cost of capital)
//   network  network_capex_usd / (depreciation_years x 8760 h) / gpus
//   hosting  hosting_usd_per_kw_month x max_power_kw / 730 h / gpus     (colocation is contracted
//            on the server's maximum power)
//   ops      ops_usd_per_node_year / 8760 h / gpus
//   power    (GPU draw + host share) / 1000 x pue x usd_per_kwh, where
//            GPU draw = tdp_w x (idle + (1 - idle) x busy fraction), idle = gpu_idle_fraction_of_tdp,
//            host share = (max_power_kw x 1000 - gpus x tdp_w) / gpus, constant (an upper bound).
// tdp_w is the hardware file's. Every value may be overridden in the experiment's table.
#include <fmt/format.h>

#include <algorithm>

#include "simulator/economics/cost_model.hpp"

namespace moelab::sim {
namespace {

constexpr double kHoursPerYear = 8760.0;
constexpr double kHoursPerMonth = kHoursPerYear / 12.0;

struct OwnParameters {
  OwnedServer server;
  FacilityDefaults facility;
  double tdp_w = 0;
};

class OwnCostModel final : public CostModel {
 public:
  explicit OwnCostModel(OwnParameters p) : p_(std::move(p)) {}
  std::string_view kind() const override { return "own"; }
  std::string describe() const override {
    return fmt::format(
        "own {} ({} x {}): capex {:.0f} USD, {:g} years, PUE {:g}, {:g} USD/kWh, hosting {:g} USD/kW-month",
        p_.server.id, p_.server.gpus, p_.server.hardware_id, p_.server.server_capex_usd, p_.facility.depreciation_years,
        p_.facility.pue, p_.facility.usd_per_kwh, p_.facility.hosting_usd_per_kw_month);
  }
  GpuHourCost per_gpu_hour(double busy_fraction) const override {
    const auto& s = p_.server;
    const auto& f = p_.facility;
    const double gpus = static_cast<double>(s.gpus);
    const double lifetime_h = f.depreciation_years * kHoursPerYear;
    const double busy = std::clamp(busy_fraction, 0.0, 1.0);
    const double gpu_w = p_.tdp_w * (f.gpu_idle_fraction_of_tdp + (1.0 - f.gpu_idle_fraction_of_tdp) * busy);
    const double host_w = (s.max_power_kw * 1000.0 - gpus * p_.tdp_w) / gpus;
    const Billing all_day = Billing::per_provisioned_gpu_hour;
    return GpuHourCost{{
        {"capex", s.server_capex_usd / lifetime_h / gpus, all_day},
        {"network", s.network_capex_usd / lifetime_h / gpus, all_day},
        {"hosting", f.hosting_usd_per_kw_month * s.max_power_kw / kHoursPerMonth / gpus, all_day},
        {"ops", f.ops_usd_per_node_year / kHoursPerYear / gpus, all_day},
        {"power", (gpu_w + host_w) / 1000.0 * f.pue * f.usd_per_kwh, all_day},
    }};
  }

 private:
  OwnParameters p_;
};

// An optional override of a default: > 0 (or >= 0 where zero is meaningful).
double number_or(TableReader& t, std::string_view key, double fallback, bool zero_allowed) {
  if (!t.has(key)) return fallback;
  const double v = t.number(key);
  if (zero_allowed ? !(v >= 0) : !(v > 0))
    t.fail(key, fmt::format("must be {} 0, got {}", zero_allowed ? ">=" : ">", v));
  return v;
}

}  // namespace

CostModelPtr read_own_cost_model(TableReader& table, const CostContext& context) {
  const std::string& gpu = context.hardware.id;
  OwnParameters p;
  if (table.has("server")) {
    const std::string id = table.string("server");
    const OwnedServer* s = context.data.server(id);
    if (s == nullptr) table.fail("server", fmt::format("no [server.{}] in data/prices/tco.toml", id));
    if (s->hardware_id != gpu) {
      table.fail("server", fmt::format("server '{}' carries {}, but the experiment runs {}", id, s->hardware_id, gpu));
    }
    p.server = *s;
  } else {
    std::vector<const OwnedServer*> matches;
    for (const auto& s : context.data.servers) {
      if (s.hardware_id == gpu) matches.push_back(&s);
    }
    if (matches.size() != 1) {
      table.fail("server",
                 fmt::format("data/prices/tco.toml has {} server types carrying '{}'; name one with server = \"...\"",
                             matches.size(), gpu));
    }
    p.server = *matches.front();
  }
  p.facility = context.data.facility;
  p.tdp_w = context.hardware.tdp_w;
  auto& s = p.server;
  auto& f = p.facility;
  s.server_capex_usd = number_or(table, "server_capex_usd", s.server_capex_usd, false);
  s.network_capex_usd = number_or(table, "network_capex_usd", s.network_capex_usd, true);
  s.max_power_kw = number_or(table, "max_power_kw", s.max_power_kw, false);
  f.depreciation_years = number_or(table, "depreciation_years", f.depreciation_years, false);
  f.pue = number_or(table, "pue", f.pue, false);
  f.usd_per_kwh = number_or(table, "usd_per_kwh", f.usd_per_kwh, true);
  f.hosting_usd_per_kw_month = number_or(table, "hosting_usd_per_kw_month", f.hosting_usd_per_kw_month, true);
  f.ops_usd_per_node_year = number_or(table, "ops_usd_per_node_year", f.ops_usd_per_node_year, true);
  f.gpu_idle_fraction_of_tdp = number_or(table, "gpu_idle_fraction_of_tdp", f.gpu_idle_fraction_of_tdp, true);
  if (f.pue < 1) table.fail_at_path("pue", fmt::format("must be >= 1 (facility power / IT power), got {}", f.pue));
  if (f.gpu_idle_fraction_of_tdp > 1) {
    table.fail_at_path("gpu_idle_fraction_of_tdp", fmt::format("must be <= 1, got {}", f.gpu_idle_fraction_of_tdp));
  }
  if (!(p.tdp_w > 0)) table.fail_at_path("server", fmt::format("hardware '{}' has no tdp_w", gpu));
  if (s.max_power_kw * 1000.0 < static_cast<double>(s.gpus) * p.tdp_w) {
    table.fail_at_path("max_power_kw",
                       fmt::format("{} kW is less than {} GPUs x {} W", s.max_power_kw, s.gpus, p.tdp_w));
  }
  return std::make_shared<OwnCostModel>(std::move(p));
}

}  // namespace moelab::sim
