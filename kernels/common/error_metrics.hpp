#pragma once
// Checking a variant's output against the fp64 ref. One metric for every op:
//
//   rel_error(i) = |out[i] - ref[i]| / max(|ref[i]|, rms(ref))
//
// Elements much smaller than the typical one are judged on the typical element's scale: a sum
// accumulated in fp32 or bf16 carries an absolute error proportional to its terms, not to the
// (possibly cancelled) result. Any NaN or Inf in the output fails the check outright, so a
// NaN-poisoned element the variant never wrote is always caught.
//
// Tolerances (max rel_error allowed), by the precision that limits the result:
//   f32    1e-4   fp32 inputs, fp32 accumulation and output. fp32's unit roundoff is 6e-8; a
//                 reduction of K <= 1e5 terms in blocked/tree order stays far below 1e-4.
//   bf16   2e-2   bf16 inputs and/or output with fp32 accumulation (the GPU norm). Storing the
//                 output in bf16 alone costs up to 2^-8 = 3.9e-3; flash-style kernels also round
//                 probabilities to bf16 before the PV product, adding another ~4e-3 at worst;
//                 2e-2 leaves ~2.5x headroom over both and still catches wrong indexing (O(1)).
//   f16    5e-3   as bf16 with 3 more mantissa bits (unit roundoff 2^-11 = 4.9e-4).
//   fp8    1.25e-1  e4m3 storage (unit roundoff 2^-4 = 6.25e-2) with fp32 accumulation.
// Ops may pass a tighter or looser tolerance when their math says so, and say why.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "kernels/common/bf16.hpp"
#include "kernels/common/variant.hpp"

namespace moelab::kernels {

enum class DType { f32, bf16, f16, fp8_e4m3 };

std::string_view to_string(DType t);
double default_tolerance(DType limiting_precision);

std::size_t count_non_finite(std::span<const float> values);
std::size_t count_non_finite(std::span<const double> values);
std::size_t count_non_finite(std::span<const bf16> values);

// Root mean square of the reference (the floor of the relative-error denominator).
double rms(std::span<const double> ref);

CheckResult compare_to_reference(std::span<const float> out, std::span<const double> ref, double tolerance);
CheckResult compare_to_reference(std::span<const double> out, std::span<const double> ref, double tolerance);
CheckResult compare_to_reference(std::span<const bf16> out, std::span<const double> ref, double tolerance);
// Integer outputs (indices, counts): every element must match exactly.
CheckResult compare_exact(std::span<const std::int32_t> out, std::span<const std::int32_t> ref);

}  // namespace moelab::kernels
