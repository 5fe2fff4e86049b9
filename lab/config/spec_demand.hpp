#pragma once
// data/demand/diurnal.toml -> demand shapes (share of a day's requests per hour) for the fleet model.
#include <string>
#include <vector>

#include "simulator/economics/fleet.hpp"

namespace moelab::config {

struct DiurnalShapeData {
  sim::DemandShape shape;  // name = the table's id; fractions normalised to sum 1
  std::string timezone;
  double peak_to_mean = 0;  // as published (checked against the fractions)
  double trough_to_mean = 0;
};

// Strict: 24 fractions > 0 summing to 1 within 1e-3; peak_to_mean and trough_to_mean equal to
// max and min of 24 x fraction within 0.01; every value sourced.
std::vector<DiurnalShapeData> load_diurnal_shapes();

}  // namespace moelab::config
