#pragma once
// `moelab run` and `moelab validate`: read the experiment, check everything, dispatch on
// [experiment] kind ("simulation" here; "kernel-ab" in lab/ab/).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lab/runner/experiment_context.hpp"

namespace moelab::lab {

struct RunRequest {
  std::filesystem::path config_path;
  std::vector<std::string> overrides;           // --set key=value
  std::optional<std::filesystem::path> output;  // -o; default out/<name>.h5
  std::string command_line;
  bool validate_only = false;
  bool show_progress = false;
};

// Builds the context (config parsed, overrides applied, [experiment] checked). Throws InputError.
ExperimentContext make_context(const RunRequest& request);

// Returns the exit status; bad input throws InputError (exit 2 in the CLI).
int run_experiment(const RunRequest& request);

}  // namespace moelab::lab
