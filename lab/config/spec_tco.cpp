#include "lab/config/spec_tco.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "lab/config/sourced_table.hpp"
#include "lab/config/spec_loaders.hpp"
#include "lab/config/spec_prices.hpp"

namespace moelab::config {

TcoData load_tco() {
  const auto path = data_dir() / "prices" / "tco.toml";
  const toml::table doc = parse_file(path);
  StrictTable root(doc, path.string());
  const auto hardware = list_ids("hardware");
  TcoData out;
  StrictTable servers = root.table("server");
  for (const auto& [key, node] : servers.raw()) {
    sim::OwnedServer s;
    s.id = std::string(key.str());
    SourcedTable entry(servers.table(s.id));
    StrictTable& t = entry.table();
    s.hardware_id = t.string("hardware_id");
    if (std::find(hardware.begin(), hardware.end(), s.hardware_id) == hardware.end()) {
      t.fail("hardware_id", fmt::format("'{}' is not a data/hardware id", s.hardware_id));
    }
    s.gpus = t.positive_integer("gpus");
    s.server_capex_usd = t.positive_number("server_capex_usd");
    s.network_capex_usd = t.non_negative_number("network_capex_usd");
    s.max_power_kw = t.positive_number("max_power_kw");
    t.positive_number_or("server_capex_quote_usd", 1.0);  // evidence
    t.positive_number_or("gpu_msrp_usd", 1.0);            // evidence
    t.string("date");
    entry.finish();
    out.servers.push_back(std::move(s));
  }
  servers.finish();
  {
    SourcedTable entry(root.table("facility"));
    StrictTable& t = entry.table();
    auto& f = out.facility;
    f.depreciation_years = t.positive_number("depreciation_years");
    f.pue = t.positive_number("pue");
    if (f.pue < 1) t.fail("pue", fmt::format("must be >= 1, got {}", f.pue));
    f.usd_per_kwh = t.non_negative_number("usd_per_kwh");
    f.hosting_usd_per_kw_month = t.non_negative_number("hosting_usd_per_kw_month");
    f.ops_usd_per_node_year = t.non_negative_number("ops_usd_per_node_year");
    f.gpu_idle_fraction_of_tdp = t.fraction("gpu_idle_fraction_of_tdp");
    entry.finish();
  }
  if (auto evidence = root.table_if_present("evidence")) {
    for (const auto& [key, node] : evidence->raw()) check_evidence_table(evidence->table(key.str()));
    evidence->finish();
  }
  root.finish();
  return out;
}

sim::CostData load_cost_data() {
  sim::CostData d;
  d.rental = load_gpu_rental_ranges();
  TcoData tco = load_tco();
  d.servers = std::move(tco.servers);
  d.facility = tco.facility;
  return d;
}

}  // namespace moelab::config
