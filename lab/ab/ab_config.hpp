#pragma once
// Kernel A/B experiment files ([experiment] kind = "kernel-ab"), e.g. experiments/kernels/*.toml:
//
//   [experiment]
//   name = "attention-prefill-ab"
//   kind = "kernel-ab"
//   seed = 1
//
//   [ab]                       # defaults for every case
//   op = "attention.prefill"
//   variants = ["ref.naive", "kokkos.tiled", "cuda.flash"]   # the first is the baseline
//   cold_l2 = true             # flush L2 / LLC before every sample (false = hot)
//   flush = "read"             # cold flush: "read" (leaves L2 clean) or "write" (leaves it dirty)
//   batch = false              # hot, back-to-back launches per sample (needs cold_l2 = false)
//   flush_bias = false         # also time every variant after read / write / no flush
//   max_time_s = 5.0           # cap per case
//   min_samples = 20
//   max_samples = 100000
//   noise = 0.01               # target relative half-width of each median's 95% CI
//   equivalence_margin = 0.02  # SAME when the ratio's CI lies within 1 +- this
//   throttle_threshold = 0.75  # drop GPU samples whose SM clock fell below this x the default
//   warmup_runs = 3
//   bootstrap_resamples = 2000
//   strict = false             # skipped / unsupported variants fail the run (device checks)
//   hardware = "h200-sxm"      # optional: data/hardware id for % of peak
//
//   [[ab.cases]]               # one per shape; op and variants may be overridden per case
//   preset = "llama3-8b"
//   dims = { seq = 1024 }      # integer dims override the preset's
//   anchor = "fa3-..."         # optional: data/validation/kernels.toml id to compare with
#include <string>

#include "lab/ab/ab_plan.hpp"
#include "lab/config/strict_toml.hpp"

namespace moelab::ab {

// Reads [ab] strictly (unknown keys are errors); `seed` comes from [experiment].
AbPlan read_ab_plan(config::StrictTable& root, std::uint64_t seed);

}  // namespace moelab::ab
