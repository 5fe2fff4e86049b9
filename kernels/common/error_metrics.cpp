#include "kernels/common/error_metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace moelab::kernels {
namespace {

template <class Out, class ToDouble>
CheckResult compare(std::span<const Out> out, std::span<const double> ref, double tolerance, ToDouble to_double) {
  CheckResult r;
  r.tolerance = tolerance;
  if (out.size() != ref.size()) {
    r.detail = fmt::format("output has {} elements, reference {}", out.size(), ref.size());
    return r;
  }
  const double floor = std::max(rms(ref), std::numeric_limits<double>::min());
  std::size_t non_finite = 0;
  std::size_t first_bad = out.size();
  std::size_t worst = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const double o = to_double(out[i]);
    if (!std::isfinite(o)) {
      if (non_finite++ == 0) first_bad = i;
      continue;
    }
    const double abs_err = std::fabs(o - ref[i]);
    const double rel_err = abs_err / std::max(std::fabs(ref[i]), floor);
    if (rel_err > r.max_rel_error) worst = i;
    r.max_abs_error = std::max(r.max_abs_error, abs_err);
    r.max_rel_error = std::max(r.max_rel_error, rel_err);
    if (rel_err > tolerance && first_bad == out.size()) first_bad = i;
  }
  if (non_finite > 0) {
    r.max_rel_error = std::numeric_limits<double>::infinity();
    r.detail = fmt::format("{} non-finite output element(s), first at [{}] = {} (ref {})", non_finite, first_bad,
                           to_double(out[first_bad]), ref[first_bad]);
    return r;
  }
  r.passed = r.max_rel_error <= tolerance;
  if (!r.passed) {
    r.detail = fmt::format("max rel error {:.3g} > tolerance {:.3g} at [{}]: out {} ref {}", r.max_rel_error, tolerance,
                           worst, to_double(out[worst]), ref[worst]);
  }
  return r;
}

}  // namespace

std::string_view to_string(DType t) {
  switch (t) {
    case DType::f32:
      return "f32";
    case DType::bf16:
      return "bf16";
    case DType::f16:
      return "f16";
    case DType::fp8_e4m3:
      return "fp8_e4m3";
  }
  return "?";
}

double default_tolerance(DType limiting_precision) {
  switch (limiting_precision) {
    case DType::f32:
      return 1e-4;
    case DType::bf16:
      return 2e-2;
    case DType::f16:
      return 5e-3;
    case DType::fp8_e4m3:
      return 1.25e-1;
  }
  return 0;
}

std::size_t count_non_finite(std::span<const float> values) {
  return static_cast<std::size_t>(
      std::count_if(values.begin(), values.end(), [](float v) { return !std::isfinite(v); }));
}
std::size_t count_non_finite(std::span<const double> values) {
  return static_cast<std::size_t>(
      std::count_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }));
}
std::size_t count_non_finite(std::span<const bf16> values) {
  return static_cast<std::size_t>(std::count_if(values.begin(), values.end(), [](bf16 v) { return !is_finite(v); }));
}

double rms(std::span<const double> ref) {
  if (ref.empty()) return 0;
  double sum_sq = 0;
  for (double v : ref) sum_sq += v * v;
  return std::sqrt(sum_sq / static_cast<double>(ref.size()));
}

CheckResult compare_to_reference(std::span<const float> out, std::span<const double> ref, double tolerance) {
  return compare(out, ref, tolerance, [](float v) { return static_cast<double>(v); });
}
CheckResult compare_to_reference(std::span<const double> out, std::span<const double> ref, double tolerance) {
  return compare(out, ref, tolerance, [](double v) { return v; });
}
CheckResult compare_to_reference(std::span<const bf16> out, std::span<const double> ref, double tolerance) {
  return compare(out, ref, tolerance, [](bf16 v) { return static_cast<double>(to_float(v)); });
}

CheckResult compare_exact(std::span<const std::int32_t> out, std::span<const std::int32_t> ref) {
  CheckResult r;
  r.tolerance = 0;
  if (out.size() != ref.size()) {
    r.detail = fmt::format("output has {} elements, reference {}", out.size(), ref.size());
    return r;
  }
  std::size_t mismatches = 0;
  std::size_t first = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] != ref[i] && mismatches++ == 0) first = i;
  }
  r.passed = mismatches == 0;
  r.max_rel_error = mismatches == 0 ? 0.0 : 1.0;
  r.max_abs_error = r.max_rel_error;
  if (!r.passed)
    r.detail = fmt::format("{} mismatched element(s), first at [{}]: out {} ref {}", mismatches, first, out[first],
                           ref[first]);
  return r;
}

}  // namespace moelab::kernels
