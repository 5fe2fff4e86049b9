#pragma once
#include <filesystem>

#include "lab/config/strict_toml.hpp"
#include "simulator/workload/workload_spec.hpp"

namespace moelab::config {

// [workload] -> WorkloadSpec: sim::read_workload over this table (the kind named by `kind` reads
// its own keys; simulator/workload/README.md lists them). Relative trace paths are resolved
// against `config_dir` (the directory of the experiment file); a missing trace file is an error
// here, before anything runs. A trace is also read and validated in full here (a bad line throws
// InputError naming the trace file, line and field) and kept in the spec, so `moelab validate`
// catches it and make_workload does not read the file again. Calls section.finish() (unknown keys
// are errors).
sim::WorkloadSpec parse_workload(StrictTable& section, const std::filesystem::path& config_dir);

}  // namespace moelab::config
