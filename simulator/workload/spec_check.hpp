#pragma once
// One set of checks for workload specs, used by make_workload (programmatic specs) and by
// lab/config/workload_config.cpp (which maps the failing key back to its file:line:col).
#include <optional>
#include <string>

#include "simulator/workload/workload_spec.hpp"

namespace moelab::sim {

struct SpecProblem {
  std::string key;      // dotted path below [workload], e.g. "prompt_tokens.sigma"
  std::string problem;  // "must be > 0, got -1"
};

// `prefix` is prepended to the reported key ("prompt_tokens").
std::optional<SpecProblem> check_length_distribution(const LengthDistribution& d, const std::string& prefix);
std::optional<SpecProblem> check_arrivals(const ArrivalProcess& a, const std::string& prefix);
// Everything make_workload relies on (except trace file contents, checked when loading).
std::optional<SpecProblem> check_workload(const WorkloadSpec& spec);

// Throws InputError("<workload spec>", "workload.<key>", problem) if check_workload finds one.
void require_valid_workload(const WorkloadSpec& spec);

}  // namespace moelab::sim
