#pragma once
// Runs a checked simulation plan, writes the HDF5 file and prints the summary table.
#include "lab/experiment/simulation_plan.hpp"
#include "lab/runner/experiment_context.hpp"

namespace moelab::lab {

// Exit status: 0, or 1 when a run reported violated invariants (a simulator bug; the file is
// still written, the violations are printed and stored in /runs/NNNN@invariants).
int run_simulation(const SimulationPlan& plan, const ExperimentContext& context);

}  // namespace moelab::lab
