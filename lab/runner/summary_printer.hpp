#pragma once
// The table `moelab run` prints to stdout after a simulation: one row per run.
#include <cstdio>
#include <string>
#include <vector>

#include "simulator/run_result.hpp"

namespace moelab::lab {

struct PrintedRun {
  std::string label;
  std::vector<sim::Metric> metrics;
};

std::string format_summary(const std::vector<PrintedRun>& runs);

}  // namespace moelab::lab
