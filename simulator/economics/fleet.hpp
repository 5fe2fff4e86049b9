#pragma once
// A day of demand served by a fleet that scales per hour. Tokens/day are spread over the hours by
// a diurnal shape (data/demand/diurnal.toml or flat); each hour gets the fewest replicas whose SLO
// capacity (from the capacity search) covers its rate times a within-hour peak factor, and never
// fewer than a minimum. Components billed per active GPU-hour (hourly rental) are paid for the
// replicas in use; components billed per provisioned GPU-hour (reservations, owned hardware) are
// paid for the day's peak fleet around the clock, idle GPUs at their idle-power cost.
//
// A replica's busy fraction at load L (0..1 of its SLO capacity) is L x its busy fraction at
// capacity (busy time grows linearly with load below capacity: an assumption, stated).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "simulator/economics/api_price.hpp"
#include "simulator/economics/cost_model.hpp"

namespace moelab::sim {

struct DemandShape {
  std::string name;                          // a diurnal.toml id, or "flat"
  std::array<double, 24> hourly_fraction{};  // share of the day's tokens per hour; sums to 1
  double peak_factor = 1;                    // within-hour peak rate / hourly mean rate (>= 1)

  static DemandShape flat();
};

// Within-hour burstiness measured on a trace: the busiest `bin_s` bin's arrivals over the mean per
// bin, over the whole bins of the trace's span (the Mooncake conversation trace spans ~59 minutes,
// too short for a diurnal shape; its minute-level peak is what it can tell about provisioning).
// Throws std::invalid_argument when the span holds fewer than two whole bins.
double peak_factor_from_arrivals(const std::vector<double>& arrival_s, double bin_s);

// Capacity in tokens (prompt + output) per second, so that any workload's unit of arrival
// (requests, chat sessions) drops out: demand is given in tokens per day.
struct Deployment {
  double capacity_tokens_per_s = 0;  // one replica at the SLO: tokens of the requests it serves per second
  double gpus_per_replica = 1;
  double busy_fraction_at_capacity = 1;
  std::int64_t min_replicas = 1;
};

struct FleetHour {
  double tokens_per_s = 0;
  std::int64_t replicas = 0;
  double load_fraction = 0;  // tokens_per_s / (replicas x capacity)
};

struct FleetDay {
  double tokens_per_day = 0;
  std::array<FleetHour, 24> hours{};
  std::int64_t peak_replicas = 0;
  double active_gpu_hours = 0;       // replicas in use, summed over hours x GPUs per replica
  double provisioned_gpu_hours = 0;  // peak fleet x 24 h x GPUs per replica
  double mean_utilisation = 0;       // tokens served / SLO capacity of the replicas in use, over the day
  double usd_per_day = 0;
  std::vector<std::pair<std::string, double>> usd_per_day_by_component;  // the cost model's components
  double usd_per_m_tokens = 0;
};

FleetDay plan_fleet(double tokens_per_day, const DemandShape& shape, const Deployment& deployment,
                    const CostModel& cost);

// Break-even volume between self-hosting (the fleet) and an API at a blended price.
struct BreakEven {
  enum class Status { crosses, self_host_always_cheaper, api_always_cheaper };
  Status status = Status::crosses;
  double tokens_per_day = 0;  // crosses: the volume from which self-hosting stays cheaper up to the range's
                              // top; self_host_always_cheaper: the range's bottom; api_always_cheaper: NaN
};
const char* break_even_status_name(BreakEven::Status s);

// Over [min, max] tokens/day: g(D) = fleet cost - D x api price is evaluated on a log grid of
// `grid_per_decade` points per decade; D* is the last grid point where g > 0, refined by bisection
// (to 1e-6 relative) against the next grid point. Self-hosting cost is a step function of D
// (whole replicas), so g may change sign more than once; D* is the last change within the range.
BreakEven break_even(double min_tokens_per_day, double max_tokens_per_day, const DemandShape& shape,
                     const Deployment& deployment, const CostModel& cost, double api_usd_per_m_tokens,
                     int grid_per_decade = 200);

}  // namespace moelab::sim
