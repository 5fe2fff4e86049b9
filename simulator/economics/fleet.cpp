#include "simulator/economics/fleet.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace moelab::sim {

DemandShape DemandShape::flat() {
  DemandShape s;
  s.name = "flat";
  s.hourly_fraction.fill(1.0 / 24.0);
  return s;
}

const char* break_even_status_name(BreakEven::Status s) {
  switch (s) {
    case BreakEven::Status::crosses:
      return "crosses";
    case BreakEven::Status::self_host_always_cheaper:
      return "self_host_always_cheaper";
    case BreakEven::Status::api_always_cheaper:
      return "api_always_cheaper";
  }
  return "?";
}

FleetDay plan_fleet(double tokens_per_day, const DemandShape& shape, const Deployment& d, const CostModel& cost) {
  if (!(d.capacity_tokens_per_s > 0)) throw std::invalid_argument("plan_fleet: the deployment needs a capacity > 0");
  FleetDay day;
  day.tokens_per_day = tokens_per_day;
  double served = 0, capacity = 0;
  for (int h = 0; h < 24; ++h) {
    FleetHour& fh = day.hours[static_cast<std::size_t>(h)];
    fh.tokens_per_s = tokens_per_day * shape.hourly_fraction[static_cast<std::size_t>(h)] / 3600.0;
    // (1e-12: a rate that is an exact multiple of the capacity needs no extra replica for rounding.)
    const double needed = std::ceil(fh.tokens_per_s * shape.peak_factor / d.capacity_tokens_per_s - 1e-12);
    fh.replicas = std::max<std::int64_t>(d.min_replicas, static_cast<std::int64_t>(needed));
    fh.load_fraction =
        fh.replicas > 0 ? fh.tokens_per_s / (static_cast<double>(fh.replicas) * d.capacity_tokens_per_s) : 0;
    day.peak_replicas = std::max(day.peak_replicas, fh.replicas);
    served += fh.tokens_per_s;
    capacity += static_cast<double>(fh.replicas) * d.capacity_tokens_per_s;
  }
  day.mean_utilisation = capacity > 0 ? served / capacity : 0;
  const double g = d.gpus_per_replica;
  const GpuHourCost idle = cost.per_gpu_hour(0.0);
  day.usd_per_day_by_component.clear();
  for (const auto& c : idle.components) day.usd_per_day_by_component.emplace_back(c.name, 0.0);
  for (const auto& fh : day.hours) {
    const double active_gpus = static_cast<double>(fh.replicas) * g;
    const double idle_gpus = static_cast<double>(day.peak_replicas - fh.replicas) * g;
    day.active_gpu_hours += active_gpus;
    const GpuHourCost busy = cost.per_gpu_hour(std::min(1.0, fh.load_fraction) * d.busy_fraction_at_capacity);
    for (std::size_t i = 0; i < busy.components.size(); ++i) {
      const auto& c = busy.components[i];
      double usd = active_gpus * c.usd_per_gpu_hour;
      if (c.billing == Billing::per_provisioned_gpu_hour) usd += idle_gpus * idle.components[i].usd_per_gpu_hour;
      day.usd_per_day_by_component[i].second += usd;
    }
  }
  day.provisioned_gpu_hours = static_cast<double>(day.peak_replicas) * g * 24.0;
  for (const auto& [name, usd] : day.usd_per_day_by_component) day.usd_per_day += usd;
  day.usd_per_m_tokens = tokens_per_day > 0 ? day.usd_per_day / (tokens_per_day / 1e6) : 0;
  return day;
}

BreakEven break_even(double min_d, double max_d, const DemandShape& shape, const Deployment& deployment,
                     const CostModel& cost, double api_usd_per_m_tokens, int grid_per_decade) {
  if (!(min_d > 0 && max_d > min_d && grid_per_decade > 0)) throw std::invalid_argument("break_even: bad range");
  auto gap = [&](double tokens) {  // > 0: self-hosting costs more than the API
    return plan_fleet(tokens, shape, deployment, cost).usd_per_day - tokens / 1e6 * api_usd_per_m_tokens;
  };
  const int n = std::max(2, static_cast<int>(std::ceil(std::log10(max_d / min_d) * grid_per_decade)) + 1);
  std::vector<double> grid(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    grid[static_cast<std::size_t>(i)] = min_d * std::pow(max_d / min_d, static_cast<double>(i) / (n - 1));
  int last_positive = -1;
  for (int i = 0; i < n; ++i) {
    if (gap(grid[static_cast<std::size_t>(i)]) > 0) last_positive = i;
  }
  BreakEven r;
  if (last_positive < 0) {
    r.status = BreakEven::Status::self_host_always_cheaper;
    r.tokens_per_day = min_d;
  } else if (last_positive == n - 1) {
    r.status = BreakEven::Status::api_always_cheaper;
    r.tokens_per_day = std::numeric_limits<double>::quiet_NaN();
  } else {
    double lo = grid[static_cast<std::size_t>(last_positive)], hi = grid[static_cast<std::size_t>(last_positive + 1)];
    while (hi - lo > 1e-6 * lo) {
      const double mid = 0.5 * (lo + hi);
      (gap(mid) > 0 ? lo : hi) = mid;
    }
    r.tokens_per_day = hi;
  }
  return r;
}

}  // namespace moelab::sim
