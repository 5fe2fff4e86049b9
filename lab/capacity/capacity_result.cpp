#include "lab/capacity/capacity_result.hpp"

#include <cmath>
#include <limits>

namespace moelab::lab {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> log_grid(double lo, double hi, int per_decade) {
  const int n = std::max(2, static_cast<int>(std::round(std::log10(hi / lo) * per_decade)) + 1);
  std::vector<double> out(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    out[static_cast<std::size_t>(i)] = lo * std::pow(hi / lo, static_cast<double>(i) / (n - 1));
  return out;
}

PricedProbe unpriced() {
  PricedProbe p;
  p.tokens.usd_per_hour = p.tokens.usd_per_m_tokens = kNaN;
  p.tokens.usd_per_m_input_uncached = p.tokens.usd_per_m_input_cached = p.tokens.usd_per_m_output = kNaN;
  return p;
}

}  // namespace

SearchOutcome search_capacity(const ExperimentSource& source, const CapacityPlan& plan, const CapacityPoint& point) {
  SearchOutcome o;
  auto probe = [&](double value) {
    o.probes.push_back(run_probe(source, plan, point, value));
    return o.probes.back().meets_slo;
  };
  const auto& s = plan.search;
  if (s.kind == SearchKind::rate) {
    o.search = sim::highest_meeting({s.start, s.min, s.max, s.relative_tolerance}, probe);
  } else {
    o.search = sim::lowest_meeting_integer(static_cast<std::int64_t>(s.start), static_cast<std::int64_t>(s.min),
                                           static_cast<std::int64_t>(s.max), probe);
  }
  if (o.search.status != sim::SearchStatus::none_meet) {
    for (std::size_t i = 0; i < o.probes.size(); ++i) {
      if (o.probes[i].meets_slo && o.probes[i].value == o.search.meets) o.at = static_cast<int>(i);
    }
  }
  return o;
}

PointEconomics evaluate_economics(const CapacityPlan& /*plan*/, const CapacityPoint& point,
                                  const SearchOutcome& outcome) {
  PointEconomics e;
  const ProbeRecord* at = outcome.at >= 0 ? &outcome.probes[static_cast<std::size_t>(outcome.at)] : nullptr;
  if (at != nullptr && at->window.tokens() > 0) {
    const auto& w = at->window;
    e.mix = {w.uncached_prompt_tokens() / w.tokens(), w.cached_prompt_tokens / w.tokens(),
             w.output_tokens / w.tokens()};
    e.deployment.capacity_tokens_per_s = w.tokens_per_s() / static_cast<double>(at->replicas);
    e.deployment.gpus_per_replica = static_cast<double>(at->gpus_per_replica);
    e.deployment.busy_fraction_at_capacity = at->busy_fraction;
    e.deployment.min_replicas = point.demand.min_replicas;
  }
  e.api_mix = e.mix;
  if (point.compare.cached_input_fraction >= 0) {
    const double input = e.mix.uncached_input + e.mix.cached_input;
    e.api_mix.cached_input = input * point.compare.cached_input_fraction;
    e.api_mix.uncached_input = input - e.api_mix.cached_input;
  }
  for (const auto& api : point.compare.apis) {
    e.api.push_back(
        at ? sim::api_usd_per_m_tokens(api, point.compare.all_prices, e.api_mix, point.compare.batch_fraction)
           : sim::ApiBlend{kNaN, kNaN, kNaN});
  }
  if (point.demand.present) {
    e.tokens_per_day =
        log_grid(point.demand.tokens_per_day_min, point.demand.tokens_per_day_max, point.demand.points_per_decade);
  }
  for (const auto& scenario : point.costs) {
    ScenarioResult r;
    r.name = scenario.name;
    r.kind = std::string(scenario.model->kind());
    r.description = scenario.model->describe();
    for (const auto& p : outcome.probes) r.probes.push_back(price_probe(p, *scenario.model));
    r.at_capacity = at ? r.probes[static_cast<std::size_t>(outcome.at)] : unpriced();
    if (at != nullptr && point.demand.present) {
      for (const double d : e.tokens_per_day)
        r.fleet.push_back(sim::plan_fleet(d, point.demand.shape, e.deployment, *scenario.model));
      for (const auto& api : e.api) {
        r.break_even.push_back(sim::break_even(point.demand.tokens_per_day_min, point.demand.tokens_per_day_max,
                                               point.demand.shape, e.deployment, *scenario.model,
                                               api.usd_per_m_tokens));
      }
    }
    e.scenarios.push_back(std::move(r));
  }
  return e;
}

}  // namespace moelab::lab
