#pragma once
// `moelab run` / `moelab validate` for [experiment] kind = "kernel-ab" (the runner dispatches here,
// see lab/runner/run_experiment.cpp). The file format is in lab/ab/ab_config.hpp.
#include "lab/runner/experiment_context.hpp"

namespace moelab::ab {

int run_kernel_ab_experiment(const lab::ExperimentContext& ctx);

}  // namespace moelab::ab
