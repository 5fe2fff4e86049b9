#pragma once
// What a capacity experiment finds for one point: the search and its probes, then the economics
// at the capacity found — $/M tokens per cost scenario, the fleet across daily volumes, the API
// prices of the same token mix and the break-even volumes.
#include <memory>
#include <string>
#include <vector>

#include "lab/capacity/capacity_probe.hpp"
#include "simulator/economics/capacity_search.hpp"
#include "simulator/economics/fleet.hpp"

namespace moelab::lab {

struct SearchOutcome {
  sim::SearchResult search;
  std::vector<ProbeRecord> probes;  // in the order they ran
  int at = -1;                      // the probe at capacity (the meeting edge); -1 when none meets
};

// Runs the search for `point` (deterministic; one simulation per probe).
SearchOutcome search_capacity(const ExperimentSource& source, const CapacityPlan& plan, const CapacityPoint& point);

struct ScenarioResult {
  std::string name, kind, description;
  PricedProbe at_capacity;                 // NaN costs when nothing met the SLO
  std::vector<PricedProbe> probes;         // every probe, priced
  std::vector<sim::FleetDay> fleet;        // per daily volume (empty without [demand] or capacity)
  std::vector<sim::BreakEven> break_even;  // per compared API
};

struct PointEconomics {
  sim::TokenMix mix;                   // of the capacity window's tokens
  sim::TokenMix api_mix;               // the mix the APIs are priced at (compare.cached_input_fraction applied)
  sim::Deployment deployment;          // per replica, at capacity
  std::vector<double> tokens_per_day;  // the demand grid
  std::vector<sim::ApiBlend> api;      // per compared API
  std::vector<ScenarioResult> scenarios;
};

PointEconomics evaluate_economics(const CapacityPlan& plan, const CapacityPoint& point, const SearchOutcome& outcome);

}  // namespace moelab::lab
