#pragma once
// `moelab run` and `moelab validate`: read the experiment, check everything, dispatch on
// [experiment] kind ("simulation" here; "kernel-ab" in lab/ab/).
#include <filesystem>
#include <optional>
#include <stdexcept>
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
  ProgressStyle progress = ProgressStyle::quiet;
  unsigned jobs = 1;                                 // -j
  bool resume = false;                               // --resume
  std::optional<std::filesystem::path> partial_dir;  // --partial-dir; default <output>.partial
};

// A run that failed for a reason other than bad input, after it started. `storage`: the results
// could not be stored (a full disk, a file-size limit, an I/O error): exit status 3, as for
// h5::WriteError; otherwise (a point's computation or a worker failed) exit status 1. The message
// names what was kept for --resume.
class RunFailed : public std::runtime_error {
 public:
  RunFailed(const std::string& what, bool storage) : std::runtime_error(what), storage_(storage) {}
  bool storage() const { return storage_; }

 private:
  bool storage_;
};

// Builds the context (config parsed, overrides applied, [experiment] checked). Throws InputError.
ExperimentContext make_context(const RunRequest& request);

// Returns the exit status; bad input throws InputError (exit 2 in the CLI). Started by mpirun
// (several ranks), rank 0 runs the experiment and the other ranks compute the points it hands
// them (lab/parallel/).
int run_experiment(const RunRequest& request);

}  // namespace moelab::lab
