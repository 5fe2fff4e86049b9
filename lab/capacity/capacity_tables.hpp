#pragma once
// A capacity experiment's results -> the HDF5 tables of lab/h5/SCHEMA.md ("Capacity files").
#include <vector>

#include "lab/capacity/capacity_result.hpp"
#include "lab/config/spec_quality.hpp"
#include "lab/h5/table.hpp"

namespace moelab::lab {

struct PointRun {
  const CapacityPoint* point = nullptr;
  const SearchOutcome* outcome = nullptr;
  PointEconomics economics;
};

h5::Table capacity_table(const CapacityPlan& plan, const std::vector<PointRun>& runs);  // /capacity
h5::Table probes_table(const CapacityPlan& plan, const std::vector<PointRun>& runs);    // /probes
h5::Table costs_table(const CapacityPlan& plan, const std::vector<PointRun>& runs);     // /costs
h5::Table cost_components_table(const std::vector<PointRun>& runs);                     // /cost_components
h5::Table fleet_table(const std::vector<PointRun>& runs);                               // /fleet
h5::Table api_table(const std::vector<PointRun>& runs);                                 // /api
h5::Table break_even_table(const std::vector<PointRun>& runs);                          // /break_even
h5::Table demand_shape_table(const std::vector<PointRun>& runs);                        // /demand_shape
// Rows of data/quality/scores.toml for the points' models and the compared APIs (data, not simulation).
h5::Table quality_table(const std::vector<PointRun>& runs, const std::vector<config::QualityScore>& scores);

}  // namespace moelab::lab
