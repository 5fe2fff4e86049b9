#pragma once
// A simulation experiment, fully checked before anything runs: one PlannedRun per sweep point.
#include <cstdint>
#include <string>
#include <vector>

#include "lab/experiment/experiment_source.hpp"
#include "lab/experiment/sweep.hpp"
#include "simulator/sim_config.hpp"

namespace moelab::lab {

struct PlannedRun {
  std::size_t index = 0;
  std::string label;                 // "key=value,..." ("" without a sweep)
  std::vector<SweptValue> swept;     // one per SimulationPlan::axes
  sim::SimConfig config;
  std::string config_toml;           // this point's effective config (sweep applied)
};

struct SimulationPlan {
  ExperimentHeader header;
  std::string default_name;  // the experiment's name when [experiment] gives none
  std::string config_toml;   // the effective config as written (overrides applied, [sweep] kept)
  std::vector<SweepAxis> axes;
  std::size_t point_count = 1;  // sweep points (runs)
  std::vector<PlannedRun> runs;  // every point (plan_simulation), or none (plan_outline)
};

// Parses and validates every sweep point; the first problem throws InputError (every unknown key
// of the file at once).
SimulationPlan plan_simulation(const ExperimentSource& source, const std::string& default_name);

// Whether the weights leave KV room for model x hardware x engine x cluster; InputError at the
// [model] or [engine] table of `root` otherwise (`label` names the sweep point).
void check_kv_capacity(const config::StrictTable& root, const sim::SimConfig& c, const std::string& label);
// The header and the sweep's axes, without the points: what a worker process needs before it
// plans the points it is handed (plan_point gives the same PlannedRun as plan_simulation).
SimulationPlan plan_outline(const ExperimentSource& source, const std::string& default_name);
PlannedRun plan_point(const ExperimentSource& source, const SimulationPlan& outline, std::size_t index);

// One point's tables -> SimConfig (strict: every key of `root` must be known).
sim::SimConfig read_sim_config(config::StrictTable& root, const std::filesystem::path& config_dir);

}  // namespace moelab::lab
