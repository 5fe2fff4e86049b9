#include "lab/capacity/capacity_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "lab/config/spec_demand.hpp"
#include "lab/config/spec_prices.hpp"
#include "lab/config/spec_tco.hpp"
#include "lab/config/strict_table_reader.hpp"
#include "lab/config/workload_config.hpp"
#include "lab/experiment/simulation_plan.hpp"
#include "simulator/model/step_cost.hpp"

namespace moelab::lab {
namespace {

constexpr const char* kRateKey = "workload.arrivals.rate_per_s";
constexpr const char* kReplicasKey = "cluster.replicas";
// Tables a capacity experiment reads besides the simulation's.
const std::vector<std::string> kEconomicsTables = {"capacity", "costs", "demand", "compare"};

void set_searched_value(toml::table& root, SearchKind kind, double value) {
  const std::string assignment = kind == SearchKind::rate
                                     ? fmt::format("{}={}", kRateKey, value)
                                     : fmt::format("{}={}", kReplicasKey, static_cast<std::int64_t>(value));
  config::apply_override(root, assignment);
}

CapacitySearchSpec read_search(config::StrictTable& root) {
  CapacitySearchSpec s;
  auto t = root.table("capacity");
  s.kind = t.choice_or("search", {"rate", "replicas"}, "rate") == "rate" ? SearchKind::rate : SearchKind::replicas;
  if (s.kind == SearchKind::rate) {
    s.start = t.positive_number("start_per_s");
    s.min = t.positive_number_or("min_per_s", s.start / 1024);
    s.max = t.positive_number_or("max_per_s", s.start * 1024);
    s.relative_tolerance = t.fraction_or("relative_tolerance", 0.02);
    if (s.relative_tolerance >= 1) t.fail("relative_tolerance", "must be < 1");
  } else {
    s.start = static_cast<double>(t.positive_integer_or("start_replicas", 1));
    s.min = static_cast<double>(t.positive_integer_or("min_replicas", 1));
    s.max = static_cast<double>(t.positive_integer_or("max_replicas", 64));
  }
  const char* lo_key = s.kind == SearchKind::rate ? "min_per_s" : "min_replicas";
  const char* hi_key = s.kind == SearchKind::rate ? "max_per_s" : "max_replicas";
  if (s.min > s.start) t.fail(lo_key, fmt::format("must be <= the start ({}), got {}", s.start, s.min));
  if (s.max < s.start) t.fail(hi_key, fmt::format("must be >= the start ({}), got {}", s.start, s.max));
  s.window.warmup_fraction = t.non_negative_number_or("warmup_fraction", 0.1);
  s.window.drain_fraction = t.non_negative_number_or("drain_fraction", 0.1);
  if (s.window.warmup_fraction + s.window.drain_fraction > 0.9) {
    t.fail("drain_fraction", "warmup_fraction + drain_fraction must leave at least 0.1 of the arrival span");
  }
  s.min_window_requests = t.positive_integer_or("min_window_requests", 100);
  {
    auto slo = t.table("slo");
    s.slo.percentile = slo.positive_number_or("percentile", 99);
    if (s.slo.percentile > 100) slo.fail("percentile", fmt::format("must be in (0, 100], got {}", s.slo.percentile));
    s.slo.ttft_s = slo.non_negative_number_or("ttft_s", 0);
    s.slo.tpot_s = slo.non_negative_number_or("tpot_s", 0);
    if (s.slo.ttft_s <= 0 && s.slo.tpot_s <= 0) slo.fail("ttft_s", "set ttft_s or tpot_s (or both) > 0");
    slo.finish();
  }
  t.finish();
  return s;
}

std::vector<CostScenario> read_costs(config::StrictTable& root, const std::filesystem::path& dir,
                                     const sim::HardwareSpec& hardware, const sim::CostData& data) {
  std::vector<CostScenario> out;
  const sim::CostContext context{hardware, data};
  if (auto costs = root.table_if_present("costs")) {
    // In the order written (toml++ iterates keys alphabetically).
    std::vector<std::pair<std::uint32_t, std::string>> ordered;
    for (const auto& [k, v] : costs->raw()) ordered.emplace_back(v.source().begin.line, std::string(k.str()));
    std::stable_sort(ordered.begin(), ordered.end());
    std::vector<std::string> names;
    for (auto& [line, name] : ordered) names.push_back(std::move(name));
    if (names.empty()) root.fail("costs", "name at least one cost scenario: [costs.<name>] kind = \"rent\" | \"own\"");
    for (const auto& name : names) {
      config::StrictTable t = costs->table(name);
      config::StrictTableReader reader(t, dir);
      out.push_back({name, sim::read_cost_model(reader, context)});
    }
    costs->finish();
  } else {
    // The hardware's default price, as a simulation experiment prices it.
    const toml::table defaults = config::parse_text("kind = \"rent\"\n", "<default [costs.default]>");
    config::StrictTable t(defaults, "<default [costs.default]>", "costs.default");
    config::StrictTableReader reader(t, dir);
    out.push_back({"default", sim::read_cost_model(reader, context)});
  }
  return out;
}

// Arrival times of a Mooncake trace, read through the simulator's reader.
std::vector<double> trace_arrivals(const std::filesystem::path& trace) {
  const toml::table doc{{"kind", "mooncake"}, {"trace", trace.string()}};
  config::StrictTable t(doc, trace.string(), "workload");
  const sim::WorkloadSpec spec = config::parse_workload(t, ".");
  auto workload = sim::make_workload(spec, 0);
  std::vector<double> out;
  while (auto at = workload->peek_arrival_s()) {
    out.push_back(*at);
    workload->pop();
  }
  return out;
}

DemandSpec read_demand(config::StrictTable& root, const std::filesystem::path& dir,
                       const std::vector<config::DiurnalShapeData>& shapes) {
  DemandSpec d;
  auto t = root.table_if_present("demand");
  if (!t) return d;
  d.present = true;
  d.tokens_per_day_min = t->positive_number_or("tokens_per_day_min", 1e6);
  d.tokens_per_day_max = t->positive_number_or("tokens_per_day_max", 1e10);
  if (d.tokens_per_day_max <= d.tokens_per_day_min) t->fail("tokens_per_day_max", "must be > tokens_per_day_min");
  d.points_per_decade = static_cast<int>(t->positive_integer_or("points_per_decade", 4));
  std::vector<std::string> names = {"flat"};
  for (const auto& s : shapes) names.push_back(s.shape.name);
  const std::string shape = t->choice_or("shape", names, "flat");
  d.shape = sim::DemandShape::flat();
  for (const auto& s : shapes) {
    if (s.shape.name == shape) d.shape = s.shape;
  }
  if (t->has("peak_factor") && t->has("peak_factor_trace"))
    t->fail("peak_factor_trace", "give peak_factor or peak_factor_trace, not both");
  if (t->has("peak_factor")) {
    d.shape.peak_factor = t->positive_number("peak_factor");
    if (d.shape.peak_factor < 1) t->fail("peak_factor", fmt::format("must be >= 1, got {}", d.shape.peak_factor));
    d.peak_factor_source = "given";
  } else if (t->has("peak_factor_trace")) {
    std::filesystem::path trace = t->string("peak_factor_trace");
    if (trace.is_relative()) trace = dir / trace;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(trace, ec))
      t->fail("peak_factor_trace", fmt::format("no such file: {}", trace.string()));
    const double bin_s = t->positive_number_or("peak_factor_bin_s", 60);
    try {
      d.shape.peak_factor = sim::peak_factor_from_arrivals(trace_arrivals(trace), bin_s);
    } catch (const std::invalid_argument& e) {
      t->fail("peak_factor_bin_s", e.what());
    }
    d.peak_factor_source = trace.string();
  } else {
    d.peak_factor_source = "none (hourly means)";
  }
  d.min_replicas = t->non_negative_integer_or("min_replicas", 1);
  t->finish();
  return d;
}

CompareSpec read_compare(config::StrictTable& root, const DemandSpec& demand,
                         const std::vector<sim::ApiPrice>& prices) {
  CompareSpec c;
  auto t = root.table_if_present("compare");
  if (!t) return c;
  if (!demand.present) t->fail("apis", "an API comparison needs a [demand] table (the volumes to compare over)");
  const auto ids = t->string_array("apis");
  if (ids.empty()) t->fail("apis", "name at least one data/prices/api.toml id");
  c.all_prices = prices;
  c.batch_fraction = t->non_negative_number_or("batch_fraction", 0);
  if (c.batch_fraction > 1) t->fail("batch_fraction", fmt::format("must be in [0, 1], got {}", c.batch_fraction));
  if (t->has("cached_input_fraction")) {
    c.cached_input_fraction = t->non_negative_number("cached_input_fraction");
    if (c.cached_input_fraction > 1) t->fail("cached_input_fraction", "must be in [0, 1]");
  }
  for (const auto& id : ids) {
    const auto it = std::find_if(prices.begin(), prices.end(), [&](const sim::ApiPrice& p) { return p.id == id; });
    if (it == prices.end()) t->fail("apis", fmt::format("'{}' is not an id in data/prices/api.toml", id));
    if (!(it->output_usd_per_mtok > 0)) t->fail("apis", fmt::format("'{}' lists no output price", id));
    if (c.batch_fraction > 0 && !sim::has_batch_prices(*it, prices)) {
      t->fail("batch_fraction", fmt::format("'{}' lists no batch price", id));
    }
    c.apis.push_back(*it);
  }
  t->finish();
  return c;
}

// The request count a run will take, when the config fixes one (0 = not known in advance).
std::int64_t planned_requests(const sim::SimConfig& c) {
  if (c.stop.max_requests > 0) return c.stop.max_requests;
  return sim::make_workload(c.workload, c.seed)->expected_requests();
}

}  // namespace

sim::SimConfig probe_config(const ExperimentSource& source, const CapacityPlan& plan, const CapacityPoint& point,
                            double value) {
  toml::table root = source.load();
  apply_sweep_point(root, plan.axes, point.sweep_point);
  set_searched_value(root, plan.search.kind, value);
  config::StrictTable strict(root, source.file());
  for (const auto& table : kEconomicsTables) strict.mark_read(table);
  sim::SimConfig c = read_sim_config(strict, source.config_dir());
  c.seed = point.seed;
  return c;
}

CapacityPlan plan_capacity(const ExperimentSource& source, const std::string& default_name) {
  CapacityPlan plan;
  const std::string file = source.file();
  {
    toml::table root = source.load();
    config::StrictTable strict(root, file);
    plan.header = read_header(strict, default_name);
    plan.axes = read_sweep(root, file);
    plan.config_toml = config::to_toml_text(root);
  }
  for (const auto& axis : plan.axes) {
    if (axis.key.rfind("capacity.", 0) == 0) {
      throw InputError(axis.where, "sweep." + axis.key, "the search definition ([capacity]) cannot be swept");
    }
  }
  const sim::CostData cost_data = config::load_cost_data();
  const auto shapes = config::load_diurnal_shapes();
  const auto prices = config::load_api_prices();
  const auto points = expand_sweep(plan.axes);
  for (std::size_t i = 0; i < points.size(); ++i) {
    toml::table root = source.load();
    apply_sweep_point(root, plan.axes, points[i]);
    config::StrictTable strict(root, file);
    const ExperimentHeader header = read_header(strict, default_name);
    if (i == 0) plan.search = read_search(strict);
    CapacityPoint p;
    p.index = i;
    p.label = points[i].label;
    p.sweep_point = points[i];
    for (std::size_t a = 0; a < plan.axes.size(); ++a) p.swept.push_back(plan.axes[a].values[points[i].value_index[a]]);
    p.seed = seed_for_run(header, i);
    p.config_toml = config::to_toml_text(root);
    strict.mark_read("capacity");
    // Rate searches need an arrival process with a rate.
    if (plan.search.kind == SearchKind::rate) {
      const auto* kind = root.at_path("workload.arrivals.kind").as_string();
      if (kind != nullptr && kind->get() == "burst") {
        throw InputError(config::location_of(*kind, file), "workload.arrivals.kind",
                         "a capacity search by rate needs arrivals with a rate (poisson, gamma, constant), not burst");
      }
    }
    if (const auto rate = root.at_path(kRateKey).value<double>()) p.configured_rate_per_s = *rate;
    // The simulation tables, checked at the search's start value (KV capacity included).
    p.base = probe_config(source, plan, p, plan.search.start);
    {
      toml::table probe_root = source.load();
      apply_sweep_point(probe_root, plan.axes, points[i]);
      set_searched_value(probe_root, plan.search.kind, plan.search.start);
      config::StrictTable probe_strict(probe_root, file);
      check_kv_capacity(probe_strict, p.base, p.label);
    }
    p.costs = read_costs(strict, source.config_dir(), p.base.hardware, cost_data);
    p.demand = read_demand(strict, source.config_dir(), shapes);
    p.compare = read_compare(strict, p.demand, prices);
    const std::int64_t requests = planned_requests(p.base);
    const double windowed =
        static_cast<double>(requests) * (1 - plan.search.window.warmup_fraction - plan.search.window.drain_fraction);
    if (requests > 0 && windowed < static_cast<double>(plan.search.min_window_requests)) {
      throw InputError(
          strict.location_of("workload"), "workload.num_requests",
          fmt::format("{} requests leave about {:.0f} in the steady-state window; capacity.min_window_requests "
                      "is {}",
                      requests, windowed, plan.search.min_window_requests));
    }
    // Points that differ only in costs, demand or compare share one search.
    toml::table key_root = root;
    for (const auto& table : {"costs", "demand", "compare", "experiment"}) key_root.erase(table);
    p.search_key = config::to_toml_text(key_root) + fmt::format("\nseed={}", p.seed);
    plan.points.push_back(std::move(p));
  }
  return plan;
}

}  // namespace moelab::lab
