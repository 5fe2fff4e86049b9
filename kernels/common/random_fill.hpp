#pragma once
// Seeded, platform-independent random inputs for kernel cases, drawn from the project's one
// generator (base/rng.hpp: Rng, derive_seed for per-tensor streams), so a seed gives the same bits
// on every compiler and standard library. Fills never produce exact zeros: an all-zero (or
// zero-heavy) input hides indexing bugs, and a zero output cannot tell "written" from "cleared".
#include <cstdint>
#include <span>

#include "base/rng.hpp"
#include "kernels/common/bf16.hpp"

namespace moelab::kernels {

// Uniform in [lo, hi); an exact 0 is replaced by (lo + hi) / 2 or hi / 2 when that is 0 too.
void fill_uniform(std::span<float> out, float lo, float hi, std::uint64_t seed);
void fill_uniform(std::span<double> out, double lo, double hi, std::uint64_t seed);
// Uniform, then rounded to bf16 (values that round to 0 are replaced as above).
void fill_uniform(std::span<bf16> out, float lo, float hi, std::uint64_t seed);

// Counter-based fills (counter_random.hpp): element i depends on (seed, i) only, so the host fills
// in parallel and the GPU generates the same bits itself (kernels/common/cuda/device_fill.cuh).
// For big inputs: a grouped GEMM's expert weights are gigabytes.
void fill_counter_bf16(std::span<bf16> out, float lo, float hi, std::uint64_t seed);
void fill_counter_fp8_e4m3(std::span<std::uint8_t> out, float range, std::uint64_t seed);
void fill_counter_scale(std::span<float> out, float lo, float hi, std::uint64_t seed);

// Normal(mean, stddev) by Box-Muller on uniform doubles; exact zeros replaced by stddev / 64.
void fill_normal(std::span<float> out, float mean, float stddev, std::uint64_t seed);
void fill_normal(std::span<bf16> out, float mean, float stddev, std::uint64_t seed);

}  // namespace moelab::kernels
