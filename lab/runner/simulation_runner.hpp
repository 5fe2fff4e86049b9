#pragma once
// Runs a checked simulation plan, writes the HDF5 file and prints the summary table.
//
// Every point is simulated on its own (by a local thread or an MPI rank, whichever is free),
// encoded, and saved in the partial-result store beside the output; the file is written from the
// saved bytes in point order by one writer (point i once points 0..i are saved, overlapping the
// points still running). So the result file is the same for any number of processes, and a run
// that was stopped resumes from the points it had saved.
#include "lab/experiment/simulation_plan.hpp"
#include "lab/parallel/remote_workers.hpp"
#include "lab/runner/experiment_context.hpp"

namespace moelab::lab {

// Exit status: 0, or 1 when a run reported violated invariants (a simulator bug; the file is
// still written, the violations are printed and stored in /runs/NNNN@invariants). `remote`: the
// other MPI ranks (nullptr in one process). Throws InputError, or RunFailed when writing fails.
int run_simulation(const SimulationPlan& plan, const ExperimentContext& context, RemoteWorkers* remote = nullptr);

}  // namespace moelab::lab
