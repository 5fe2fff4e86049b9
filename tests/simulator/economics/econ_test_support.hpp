#pragma once
// Helpers for the economics tests: cost models read from TOML text as an experiment's
// [costs.<name>] table would be, and a hardware spec with the fields the cost models use.
#include <memory>
#include <string>

#include "lab/config/strict_table_reader.hpp"
#include "lab/config/strict_toml.hpp"
#include "simulator/economics/cost_model.hpp"

namespace moelab::test {

inline sim::CostModelPtr cost_model(const std::string& text, const sim::HardwareSpec& hw, const sim::CostData& data) {
  const toml::table doc = config::parse_text(text, "exp.toml");
  config::StrictTable t(doc, "exp.toml", "costs.x");
  config::StrictTableReader reader(t, ".");
  return sim::read_cost_model(reader, {hw, data});
}

inline sim::HardwareSpec gpu(const std::string& id, double tdp_w, double default_usd_per_gpu_hour) {
  sim::HardwareSpec h;
  h.id = id;
  h.tdp_w = tdp_w;
  h.usd_per_gpu_hour = default_usd_per_gpu_hour;
  return h;
}

// The HGX H100 row and facility defaults of data/prices/tco.toml (2026 data), written out so the
// hand computation below does not move when the data file is revised.
inline sim::CostData h100_tco() {
  sim::CostData d;
  d.servers.push_back({"hgx-h100-8gpu", "h100-sxm", 8, 310000, 15060, 10.2});
  d.facility = {5, 1.3, 0.08, 184.06, 10000, 0.115};
  d.rental.push_back({"h100-sxm", {{"on_demand_low", 1.99}, {"reserved", 1.83}, {"spot", 1.60}}, "2026"});
  return d;
}

}  // namespace moelab::test
