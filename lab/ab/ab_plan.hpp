#pragma once
// One A/B run as data: which op/variants/shapes, with which options. Built from the command line
// (`moelab ab`, lab/cli/cmd_ab.cpp) or from an experiment file ([experiment] kind = "kernel-ab",
// ab_config.cpp), then executed the same way: every case checked and timed, a verdict table on
// stdout, and (with an output path) one HDF5 file.
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "kernels/common/registry.hpp"
#include "lab/ab/harness.hpp"

namespace moelab::ab {

struct AbCaseSpec {
  std::string op;
  std::vector<std::string> variants;  // full names; the first is the baseline
  kernels::ShapeArgs shape;
  SourceLocation where;  // for errors about this case
  std::string anchor;    // data/validation/kernels.toml id to compare with ("" = none)
  SourceLocation anchor_where;
  // Experiment files: where each dim's value and the preset are written, and the case's dotted
  // key ("ab.cases[0]"), so a shape error points at the value (CLI cases leave these empty).
  std::map<std::string, SourceLocation> dim_locations;
  std::optional<SourceLocation> preset_location;
  std::string key_prefix;
};

struct AbPlan {
  std::vector<AbCaseSpec> cases;
  AbOptions options;
  std::string hardware_id;  // "" = match the CUDA device name in data/hardware
};

struct AbOutput {
  std::optional<std::filesystem::path> path;  // no file when empty
  std::string command_line;
  std::string config_toml;  // the effective config (for CLI runs: an equivalent experiment file)
  std::string config_path;
};

// Checks everything that can be checked before running: options, ops, variant names, and every
// case's shape (make_case). Throws InputError.
void validate_plan(const kernels::Registry& reg, const AbPlan& plan);

// validate_plan, then runs every case, printing each case's table to `out` as it finishes.
// Returns 0, or 1 when some variant was "wrong", "implausible" (sanity.hpp) or raised an "error",
// and with options.strict also when one was "skipped" or "unsupported" (the file is still written).
int execute_plan(const kernels::Registry& reg, const AbPlan& plan, const AbOutput& output, std::ostream& out);

// The plan as an experiment file that `moelab run` accepts (stored in the HDF5 provenance).
std::string plan_to_toml(const AbPlan& plan, const std::string& name);

}  // namespace moelab::ab
