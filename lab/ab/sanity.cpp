#include "lab/ab/sanity.hpp"

#include <fmt/format.h>

namespace moelab::ab {

int apply_sanity_bound(CaseOutcome& c, const AbEnvironment& env, const AbOptions& options) {
  int marked = 0;
  const double flops_peak = env.gpu_peaks.flops_for(c.peak_kind);
  const double bytes_peak = env.gpu_peaks.bytes_per_s;
  for (auto& v : c.variants) {
    if (v.status != Status::ok || v.backend != "cuda" || !(v.summary.median > 0)) continue;
    const double flops_per_s = c.flops / v.summary.median;
    const double bytes_per_s = c.bytes / v.summary.median;
    std::string why;
    if (flops_peak > 0 && flops_per_s > kSanityPeakFactor * flops_peak) {
      why = fmt::format("{:.1f} TFLOP/s is above {} x the {} peak {:.1f} TFLOP/s", flops_per_s / 1e12,
                        kSanityPeakFactor, c.peak_kind == kernels::PeakKind::fp8 ? "fp8" : "bf16", flops_peak / 1e12);
    } else if (options.cold_cache && bytes_peak > 0 && bytes_per_s > kSanityPeakFactor * bytes_peak) {
      why = fmt::format("{:.1f} GB/s is above {} x the memory bandwidth {:.1f} GB/s", bytes_per_s / 1e9,
                        kSanityPeakFactor, bytes_peak / 1e9);
    }
    if (!why.empty()) {
      v.status = Status::implausible;
      v.detail = "faster than the hardware allows: " + why + " (timing or FLOP/byte formula wrong)";
      ++marked;
    }
  }
  return marked;
}

}  // namespace moelab::ab
