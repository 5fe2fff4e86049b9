#pragma once
// What `moelab run` / `moelab validate` hand to the code that runs one kind of experiment.
// Simulation experiments are run by lab/runner/simulation_runner.cpp; kernel A/B experiments
// (`kind = "kernel-ab"`) by moelab::ab::run_kernel_ab_experiment(const ExperimentContext&),
// declared in lab/ab/ab_experiment.hpp (see lab/runner/run_experiment.cpp for the dispatch).
#include <filesystem>
#include <string>
#include <vector>

#include "lab/experiment/experiment_source.hpp"
#include "lab/progress/progress.hpp"

namespace moelab::lab {

struct ExperimentContext {
  ExperimentSource source;                        // the file and its --set overrides; source.load() re-reads them
  toml::table root;                               // the config with overrides applied ([sweep] included)
  ExperimentHeader header;                        // [experiment], already checked: in a StrictTable over `root`,
                                                  // call mark_read("experiment") and read the rest strictly
  std::filesystem::path output_path;              // -o, or out/<name>.h5
  std::string command_line;                       // for the HDF5 provenance (h5::Provenance::command_line)
  bool validate_only = false;                     // `moelab validate`: check everything, run and write nothing
  ProgressStyle progress = ProgressStyle::quiet;  // on stderr: terminal line, plain lines, or none

  // How a sweep runs (lab/runner/simulation_runner.hpp); results do not depend on it.
  unsigned jobs = 1;                  // -j: worker threads (per MPI rank under mpirun)
  bool resume = false;                // --resume: reuse the finished points of an interrupted run
  std::filesystem::path partial_dir;  // where finished points wait: --partial-dir, or <output>.partial
};

}  // namespace moelab::lab
