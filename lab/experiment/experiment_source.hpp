#pragma once
// An experiment file plus the command line's --set overrides, and its [experiment] header.
// The file is re-read for every use (toml++ drops source positions when a table is copied, and
// every error must still point at file:line:col).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "lab/config/strict_toml.hpp"

namespace moelab::lab {

struct ExperimentSource {
  std::filesystem::path config_path;
  std::vector<std::string> overrides;  // "key.sub=value", applied in order

  // Parse the file and apply the overrides; bad syntax or a bad --set throws InputError.
  // `--set sweep.KEY=[...]` replaces the values of a swept KEY where the file sweeps it.
  toml::table load() const;
  std::string file() const { return config_path.string(); }
  std::filesystem::path config_dir() const;
};

inline const std::vector<std::string> kExperimentKinds = {"simulation", "kernel-ab", "capacity"};

struct ExperimentHeader {
  std::string name;  // names the default output file: out/<name>.h5
  std::string description;
  std::string kind = "simulation";
  std::uint64_t seed = 0;
  bool seed_per_run = false;    // true: each sweep point gets its own seed derived from `seed`
  std::uint64_t run_index = 0;  // index of the first run for seed_per_run (a run's effective config names its own)
};

// Reads (and strictly checks) [experiment] from `root`; `default_name` is used when name is absent.
ExperimentHeader read_header(config::StrictTable& root, const std::string& default_name);

// The seed of sweep point `run_index`: the experiment's seed, or a deterministic derivation.
std::uint64_t seed_for_run(const ExperimentHeader& header, std::size_t run_index);

}  // namespace moelab::lab
