#pragma once
// Data files -> typed specs. An experiment section names a file by `id` and may override any of
// its fields inline; errors point at whichever file (data or experiment) holds the bad value.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "lab/config/strict_toml.hpp"
#include "simulator/engine/engine_spec.hpp"
#include "simulator/model/hardware_spec.hpp"
#include "simulator/model/model_spec.hpp"

namespace moelab::config {

// $MOELAB_DATA_DIR if set, else the repository's data/ (compiled in).
std::filesystem::path data_dir();

// `resolved`, when given, receives a section that reproduces the spec without data/: `id`,
// `resolved = true` and every field read, with its value as written (sources: the data file or
// the experiment's overrides). A section with `resolved = true` is read that way: every field
// from the section, no data file opened.
sim::ModelSpec load_model(StrictTable& section,
                          toml::table* resolved = nullptr);  // [model] id = "llama-3.1-8b", ...overrides
sim::HardwareSpec load_hardware(StrictTable& section,
                                toml::table* resolved = nullptr);                    // [hardware] id = "h100-sxm", ...
sim::EngineSpec load_engine(StrictTable& section, toml::table* resolved = nullptr);  // [engine] id = "vllm", ...
sim::ModelSpec load_model_by_id(std::string_view id);
sim::HardwareSpec load_hardware_by_id(std::string_view id);
sim::EngineSpec load_engine_by_id(std::string_view id);
// data/kernels/<id>.toml (no overrides; an unknown id is an InputError at kernel_profile.id).
sim::KernelProfile load_kernel_profile_by_id(std::string_view id);

// Ids available under data/<kind>/ ("models", "hardware", "engines"), sorted.
std::vector<std::string> list_ids(std::string_view kind);

}  // namespace moelab::config
