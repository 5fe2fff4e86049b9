#pragma once
// [op_times]: measured op times per operator class (simulator/model/op_times.hpp). Absent, or a
// class set to "analytic", = the roofline's time (today's results, unchanged). A measured class:
//   [op_times]
//   expert_gemm = { file = "ops.h5", variant = "cuda.wgmma" }
//   prefill_attention = { file = "ops.h5", variant = "cuda.flash_mma", op = "attention.prefill" }
//   decode_attention = "analytic"
// file: a kernel-lab A/B HDF5 (`moelab ab ... -o ops.h5`) or a published table in that format;
// relative paths are from the experiment's folder. variant: the /summary rows' `variant`.
// op (default per class: grouped_gemm, attention.prefill, attention.decode_paged): their `op`.
// calls_per_layer (default 1): kernel calls of the class per layer (e.g. 2 for an expert FFN
// measured as one grouped GEMM per projection pair).
#include <filesystem>

#include "lab/config/strict_toml.hpp"
#include "simulator/engine/engine_spec.hpp"

namespace moelab::lab {

// Reads the tables the section names into `engine.op_times`; a bad file, op or variant fails at
// its key.
void read_op_times(config::StrictTable& section, const std::filesystem::path& config_dir, sim::EngineSpec& engine);

// The measured classes' file paths made absolute (the effective config reads them from anywhere).
void make_op_time_paths_absolute(toml::table& root, const std::filesystem::path& config_dir);

}  // namespace moelab::lab
