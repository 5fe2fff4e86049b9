#pragma once
// A capacity experiment (`[experiment] kind = "capacity"`), read and checked in full before any
// probe runs: the search ([capacity], [capacity.slo]), the cost scenarios ([costs.<name>]), and
// optionally the demand ([demand]) and the APIs to compare against ([compare]); one point per
// [sweep] point. Keys: lab/capacity/README.md.
#include <cstdint>
#include <string>
#include <vector>

#include "lab/experiment/experiment_source.hpp"
#include "lab/experiment/sweep.hpp"
#include "simulator/economics/api_price.hpp"
#include "simulator/economics/cost_model.hpp"
#include "simulator/economics/fleet.hpp"
#include "simulator/economics/steady_window.hpp"
#include "simulator/sim_config.hpp"

namespace moelab::lab {

enum class SearchKind { rate, replicas };

struct CapacitySlo {
  double percentile = 99;  // in (0, 100]
  double ttft_s = 0;       // 0 = no bound
  double tpot_s = 0;       // 0 = no bound
};

struct CapacitySearchSpec {
  SearchKind kind = SearchKind::rate;
  double start = 1, min = 0, max = 0;  // rate: requests/s; replicas: counts
  double relative_tolerance = 0.02;    // rate only
  sim::WindowSpec window;
  std::int64_t min_window_requests = 100;
  CapacitySlo slo;
};

struct CostScenario {
  std::string name;  // [costs.<name>]
  sim::CostModelPtr model;
};

struct DemandSpec {
  bool present = false;
  double tokens_per_day_min = 0, tokens_per_day_max = 0;
  int points_per_decade = 4;
  sim::DemandShape shape;
  std::string peak_factor_source;  // "given", "flat", or the trace path
  std::int64_t min_replicas = 1;
};

struct CompareSpec {
  std::vector<sim::ApiPrice> apis;        // in the order listed
  std::vector<sim::ApiPrice> all_prices;  // every api.toml entry (batch tiers are entries of their own)
  double batch_fraction = 0;
  double cached_input_fraction = -1;  // < 0: as measured in the capacity window
};

struct CapacityPoint {
  std::size_t index = 0;
  std::string label;
  SweepPoint sweep_point;
  std::vector<SweptValue> swept;
  std::uint64_t seed = 0;
  double configured_rate_per_s =
      0;                    // workload.arrivals.rate_per_s as configured (0 = none); the rate of a replicas search
  sim::SimConfig base;      // the config at the search's start value
  std::string config_toml;  // this point's effective config (sweep applied)
  std::vector<CostScenario> costs;  // at least one
  DemandSpec demand;
  CompareSpec compare;
  std::string search_key;  // identical keys run one search (only costs/demand/compare differ)
};

struct CapacityPlan {
  ExperimentHeader header;
  std::string config_toml;
  std::vector<SweepAxis> axes;
  CapacitySearchSpec search;  // not sweepable: one search definition per file
  std::vector<CapacityPoint> points;
};

// Reads and checks everything (every point's simulation config at the start value, KV capacity,
// cost models, demand shape, API ids); the first problem throws InputError.
CapacityPlan plan_capacity(const ExperimentSource& source, const std::string& default_name);

// The config of `point` with the searched key set to `value` (rate or replicas); checked.
sim::SimConfig probe_config(const ExperimentSource& source, const CapacityPlan& plan, const CapacityPoint& point,
                            double value);

}  // namespace moelab::lab
