#pragma once
// One sweep point: simulate it, and write what it produced into the result file.
#include "lab/experiment/simulation_plan.hpp"
#include "lab/h5/writer.hpp"
#include "lab/runner/point_result.hpp"
#include "simulator/simulate.hpp"

namespace moelab::lab {

// Runs the simulation of `run` and gathers its tables, attributes and summary row.
PointResult simulate_point(const PlannedRun& run, const sim::ProgressFn& progress = {});

// /runs/NNNN: the requests and timeseries tables and the group's attributes (lab/h5/SCHEMA.md).
void write_point(h5::Writer& writer, const PointResult& point);

}  // namespace moelab::lab
