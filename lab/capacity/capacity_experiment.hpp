#pragma once
// `[experiment] kind = "capacity"`: the SLO capacity of each sweep point and the economics at it.
// Keys and outputs: lab/capacity/README.md; file layout: lab/h5/SCHEMA.md.
#include "lab/runner/experiment_context.hpp"

namespace moelab::lab {

// Exit status: 0, or 1 when a probe violated simulator invariants (the file is still written).
int run_capacity_experiment(const ExperimentContext& context);

}  // namespace moelab::lab
