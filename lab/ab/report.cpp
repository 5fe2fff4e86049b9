#include "lab/ab/report.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace moelab::ab {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool is_gpu(const VariantOutcome& v) { return v.backend == "cuda"; }

std::string verdict_text(const CaseOutcome& c, std::size_t i) {
  const auto& v = c.variants[i];
  if (i == 0) return "baseline";
  if (!v.has_ratio) return "n/a";
  return std::string(to_string(v.verdict));
}

std::string throughput_text(const VariantOutcome& v, const RowRates& r) {
  if (!std::isfinite(r.flops_per_s) || r.flops_per_s <= 0) return "-";
  return is_gpu(v) ? fmt::format("{:.1f} TFLOP/s", r.flops_per_s / 1e12)
                   : fmt::format("{:.2f} GFLOP/s", r.flops_per_s / 1e9);
}

std::string pct_text(double x) { return std::isfinite(x) ? fmt::format("{:.1f}", x) : "-"; }

}  // namespace

RowRates rates_of(const CaseOutcome& c, const VariantOutcome& v, const AbEnvironment& env) {
  RowRates r{kNaN, kNaN, kNaN, kNaN};
  if ((v.status != Status::ok && v.status != Status::implausible) || v.samples_s.empty() || !(v.summary.median > 0))
    return r;
  r.flops_per_s = c.flops / v.summary.median;
  r.bytes_per_s = c.bytes / v.summary.median;
  const double flops_peak = env.gpu_peaks.flops_for(c.peak_kind);
  if (is_gpu(v) && flops_peak > 0) r.pct_peak_flops = 100.0 * r.flops_per_s / flops_peak;
  if (is_gpu(v) && env.gpu_peaks.bytes_per_s > 0) r.pct_peak_bw = 100.0 * r.bytes_per_s / env.gpu_peaks.bytes_per_s;
  return r;
}

AnchorRatios anchor_ratios(const CaseOutcome& c, const VariantOutcome& v, const AbEnvironment& env) {
  AnchorRatios out{kNaN, kNaN};
  if (!c.anchor || !is_gpu(v)) return out;
  const Anchor& a = *c.anchor;
  const RowRates r = rates_of(c, v, env);
  if (!std::isfinite(r.flops_per_s)) return out;
  const bool bandwidth = a.metric == "memory_gb_per_s";
  const double ours = bandwidth ? r.bytes_per_s : r.flops_per_s;
  const double our_peak = bandwidth ? env.gpu_peaks.bytes_per_s
                                    : env.gpu_peaks.flops_for(a.fp8 ? kernels::PeakKind::fp8 : kernels::PeakKind::bf16);
  if (a.metric == "fraction_of_peak") {
    if (our_peak > 0) out.ratio = out.ratio_peak_scaled = (ours / our_peak) / a.value;
    return out;
  }
  const double anchor_rate = a.value * (bandwidth ? 1e9 : 1e12);
  out.ratio = ours / anchor_rate;
  if (our_peak > 0 && a.hardware_peak > 0) out.ratio_peak_scaled = (ours / our_peak) / (anchor_rate / a.hardware_peak);
  return out;
}

std::string format_seconds(double s) {
  if (!std::isfinite(s)) return "-";
  const double a = std::fabs(s);
  if (a < 1e-6) return fmt::format("{:.1f} ns", s * 1e9);
  if (a < 1e-3) return fmt::format("{:.2f} us", s * 1e6);
  if (a < 1.0) return fmt::format("{:.3f} ms", s * 1e3);
  return fmt::format("{:.3f} s", s);
}

void print_case(std::ostream& os, const CaseOutcome& c, const AbEnvironment& env) {
  os << fmt::format("{} [{}] {}  ({:.3g} FLOP, {:.3g} B){}\n", c.op, c.label, c.shape_text, c.flops, c.bytes,
                    c.time_capped ? "  [time cap hit]" : "");
  os << fmt::format("  {:<22} {:<11} {:>11} {:>10} {:>6} {:>6} {:>16} {:>9} {:>6} {:>6}  {:<25} {}\n", "variant",
                    "status", "median", "IQR", "n", "noise", "throughput", "GB/s", "%pkF", "%pkBW",
                    "time ratio [95% CI]", "verdict");
  for (std::size_t i = 0; i < c.variants.size(); ++i) {
    const auto& v = c.variants[i];
    if (v.status != Status::ok) {
      os << fmt::format("  {:<22} {:<11} {}\n", v.variant, to_string(v.status), v.detail);
      continue;
    }
    const RowRates r = rates_of(c, v, env);
    const std::string ratio = i == 0 ? std::string("1")
                              : v.has_ratio
                                  ? fmt::format("{:.3f} [{:.3f}, {:.3f}]", v.ratio.ratio, v.ratio.lo, v.ratio.hi)
                                  : "-";
    os << fmt::format("  {:<22} {:<11} {:>11} {:>10} {:>6} {:>5.2f}% {:>16} {:>9.1f} {:>6} {:>6}  {:<25} {}\n",
                      v.variant, "ok", format_seconds(v.summary.median), format_seconds(v.summary.iqr),
                      v.samples_s.size(), 100.0 * v.rel_noise, throughput_text(v, r), r.bytes_per_s / 1e9,
                      pct_text(r.pct_peak_flops), pct_text(r.pct_peak_bw), ratio, verdict_text(c, i));
  }
  // GPU rows: what was measured around the samples, the kernels' resources, the anchor.
  for (const auto& v : c.variants) {
    if (!is_gpu(v) || v.status != Status::ok) continue;
    os << fmt::format("    {}: host launch {}, SM clock {} MHz, dropped {} throttled + {} blocker timeouts", v.variant,
                      format_seconds(v.host_launch_median_s),
                      std::isfinite(v.sm_clock_median_hz) ? fmt::format("{:.0f}", v.sm_clock_median_hz / 1e6) : "-",
                      v.throttled_samples, v.blocked_timeouts);
    for (const auto& l : v.launches) {
      os << fmt::format("; {} regs {} smem {}+{} B local {} B occ {:.0f}%", l.kernel.substr(0, l.kernel.find('(')),
                        l.registers_per_thread, l.static_smem_bytes, l.dynamic_smem_bytes, l.local_bytes_per_thread,
                        100 * l.occupancy);
    }
    if (!v.library_calls.empty()) os << "; via " << v.library_calls;
    os << '\n';
    if (c.anchor) {
      const auto a = anchor_ratios(c, v, env);
      os << fmt::format("    {} vs anchor {} ({} {} {} on {}, {}): ratio {:.3f}, peak-scaled {:.3f}\n", v.variant,
                        c.anchor->id, c.anchor->library, c.anchor->value, c.anchor->unit, c.anchor->hardware,
                        c.anchor->date, a.ratio, a.ratio_peak_scaled);
    }
    for (const auto& b : v.flush_bias) {
      const double read = v.flush_bias.front().median_s;
      os << fmt::format("    {} flush {:<5}: median {} ({:+.2f}% vs read, n={})\n", v.variant,
                        kernels::to_string(b.method), format_seconds(b.median_s), 100.0 * (b.median_s / read - 1.0),
                        b.samples);
    }
  }
}

}  // namespace moelab::ab
