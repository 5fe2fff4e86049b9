#pragma once
// The values a run actually used, beyond its config text: KV capacity (blocks, tokens, block size),
// memory per DP rank, and the resolved engine and cost parameters. Stored per run (attributes of
// /runs/NNNN) and as /effective (one row per run); layout in lab/h5/SCHEMA.md.
#include <string>

#include "lab/experiment/simulation_plan.hpp"
#include "lab/h5/table.hpp"
#include "lab/h5/writer.hpp"

namespace moelab::lab {

// Attributes of /runs/NNNN: effective_config_toml and the numbers of effective_table().
void write_effective_attributes(h5::Writer& writer, const std::string& group, const PlannedRun& run);

// One row per run: run, then the KV capacity, memory and engine/cost values it used.
h5::Table effective_table(const SimulationPlan& plan);

}  // namespace moelab::lab
