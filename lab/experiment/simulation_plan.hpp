#pragma once
// A simulation experiment, fully checked before anything runs: one PlannedRun per sweep point.
#include <cstdint>
#include <string>
#include <vector>

#include "lab/experiment/experiment_source.hpp"
#include "lab/experiment/sweep.hpp"
#include "simulator/sim_config.hpp"

namespace moelab::lab {

// Memory a run's instance has for KV cache (simulator/engine/kv_capacity.hpp), as the engine sizes it.
struct KvCapacity {
  std::int64_t blocks_per_dp_rank = 0;
  double rank_weight_bytes = 0;        // weights one DP rank's GPUs hold together
  double rank_kv_bytes_per_token = 0;  // KV bytes one cached token costs that rank
};

struct PlannedRun {
  std::size_t index = 0;
  std::string label;              // "key=value,..." ("" without a sweep)
  std::vector<SweptValue> swept;  // one per SimulationPlan::axes
  sim::SimConfig config;
  std::string config_toml;  // this point's effective config (sweep applied)
  // The same point with every value resolved: [model], [hardware] and [engine] carry all their
  // fields (`resolved = true`, no data/ lookup), the run's seed rule, absolute file paths.
  // Running it alone reproduces this run's datasets.
  std::string effective_config_toml;
  KvCapacity kv;
};

struct SimulationPlan {
  ExperimentHeader header;
  std::string default_name;  // the experiment's name when [experiment] gives none
  std::string config_toml;   // the effective config as written (overrides applied, [sweep] kept)
  std::vector<SweepAxis> axes;
  std::size_t point_count = 1;   // sweep points (runs)
  std::vector<PlannedRun> runs;  // every point (plan_simulation), or none (plan_outline)
};

// Parses and validates every sweep point; the first problem throws InputError (every unknown key
// of the file at once).
SimulationPlan plan_simulation(const ExperimentSource& source, const std::string& default_name);

// Whether the weights leave KV room for model x hardware x engine x cluster, and how much; InputError
// at the key (or the [model] / [engine] table) of `root` that breaks it (`label` names the sweep point).
KvCapacity check_kv_capacity(const config::StrictTable& root, const sim::SimConfig& c, const std::string& label);
// The header and the sweep's axes, without the points: what a worker process needs before it
// plans the points it is handed (plan_point gives the same PlannedRun as plan_simulation).
SimulationPlan plan_outline(const ExperimentSource& source, const std::string& default_name);
PlannedRun plan_point(const ExperimentSource& source, const SimulationPlan& outline, std::size_t index);

// The resolved [model], [hardware] and [engine] sections of one point (config::load_model & co.).
struct ResolvedSpecs {
  toml::table model, hardware, engine;
};

// One point's tables -> SimConfig (strict: every key of `root` must be known).
sim::SimConfig read_sim_config(config::StrictTable& root, const std::filesystem::path& config_dir,
                               ResolvedSpecs* resolved = nullptr);

// KV capacity of `c`'s instances; InputError (simulator keys) when not one block fits.
KvCapacity kv_capacity(const sim::SimConfig& c);

}  // namespace moelab::lab
