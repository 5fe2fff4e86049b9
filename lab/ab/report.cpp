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
  return is_gpu(v) ? fmt::format("{:.1f} TFLOP/s", r.flops_per_s / 1e12) : fmt::format("{:.2f} GFLOP/s", r.flops_per_s / 1e9);
}

// One row per expert (expert, tokens), the scalar statistics as attributes of the dataset.
void write_expert_load(h5::Writer& w, const std::string& path, const kernels::ExpertLoad& load) {
  std::vector<std::int64_t> expert(load.tokens_per_expert.size());
  for (std::size_t e = 0; e < expert.size(); ++e) expert[e] = static_cast<std::int64_t>(e);
  h5::Table t;
  t.add("expert", "", std::move(expert)).add("tokens", "tokens", load.tokens_per_expert);
  w.write_table(path, t);
  w.set_attr(path, "experts", static_cast<std::int64_t>(load.tokens_per_expert.size()));
  w.set_attr(path, "assignments", load.assignments);
  w.set_attr(path, "load_imbalance_max_over_mean", load.load_imbalance);
  w.set_attr(path, "idle_experts", load.idle_experts);
  w.set_attr(path, "cv", load.cv);
}

}  // namespace

RowRates rates_of(const CaseOutcome& c, const VariantOutcome& v, const AbEnvironment& env) {
  RowRates r{kNaN, kNaN, kNaN, kNaN};
  if (v.status != Status::ok || v.samples_s.empty() || !(v.summary.median > 0)) return r;
  r.flops_per_s = c.flops / v.summary.median;
  r.bytes_per_s = c.bytes / v.summary.median;
  if (is_gpu(v) && env.gpu_peaks.flops_per_s > 0) r.pct_peak_flops = 100.0 * r.flops_per_s / env.gpu_peaks.flops_per_s;
  if (is_gpu(v) && env.gpu_peaks.bytes_per_s > 0) r.pct_peak_bw = 100.0 * r.bytes_per_s / env.gpu_peaks.bytes_per_s;
  return r;
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
    const std::string ratio =
        i == 0 ? std::string("1") : v.has_ratio ? fmt::format("{:.3f} [{:.3f}, {:.3f}]", v.ratio.ratio, v.ratio.lo, v.ratio.hi) : "-";
    os << fmt::format("  {:<22} {:<11} {:>11} {:>10} {:>6} {:>5.2f}% {:>16} {:>9.1f} {:>6} {:>6}  {:<25} {}\n", v.variant,
                      "ok", format_seconds(v.summary.median), format_seconds(v.summary.iqr), v.samples_s.size(),
                      100.0 * v.rel_noise, throughput_text(v, r), r.bytes_per_s / 1e9,
                      std::isfinite(r.pct_peak_flops) ? fmt::format("{:.1f}", r.pct_peak_flops) : "-",
                      std::isfinite(r.pct_peak_bw) ? fmt::format("{:.1f}", r.pct_peak_bw) : "-", ratio,
                      verdict_text(c, i));
  }
}

void write_ab_results(h5::Writer& w, const std::vector<CaseOutcome>& cases, const AbEnvironment& env,
                      const AbOptions& options) {
  std::vector<std::string> op, label, shape, variant, backend, status, detail, verdict;
  std::vector<std::int64_t> samples, idle_experts;
  std::vector<double> flops, bytes, median_s, iqr_s, q25_s, q75_s, rel_noise, tflops, gbps, pct_f, pct_bw, max_rel_error,
      tolerance, ratio, ratio_lo, ratio_hi, load_imbalance, peak_flops, peak_bytes;
  for (const auto& c : cases) {
    for (std::size_t i = 0; i < c.variants.size(); ++i) {
      const auto& v = c.variants[i];
      const bool ok = v.status == Status::ok;
      const RowRates r = rates_of(c, v, env);
      op.push_back(c.op);
      label.push_back(c.label);
      shape.push_back(c.shape_text);
      variant.push_back(v.variant);
      backend.push_back(v.backend);
      status.push_back(std::string(to_string(v.status)));
      detail.push_back(v.detail);
      flops.push_back(c.flops);
      bytes.push_back(c.bytes);
      samples.push_back(static_cast<std::int64_t>(v.samples_s.size()));
      median_s.push_back(ok ? v.summary.median : kNaN);
      iqr_s.push_back(ok ? v.summary.iqr : kNaN);
      q25_s.push_back(ok ? v.summary.q25 : kNaN);
      q75_s.push_back(ok ? v.summary.q75 : kNaN);
      rel_noise.push_back(ok ? v.rel_noise : kNaN);
      tflops.push_back(r.flops_per_s / 1e12);
      gbps.push_back(r.bytes_per_s / 1e9);
      pct_f.push_back(r.pct_peak_flops);
      pct_bw.push_back(r.pct_peak_bw);
      const bool checked = ok || v.status == Status::wrong;
      max_rel_error.push_back(checked ? v.check.max_rel_error : kNaN);
      tolerance.push_back(checked ? v.check.tolerance : kNaN);
      ratio.push_back(v.has_ratio ? v.ratio.ratio : kNaN);
      ratio_lo.push_back(v.has_ratio ? v.ratio.lo : kNaN);
      ratio_hi.push_back(v.has_ratio ? v.ratio.hi : kNaN);
      verdict.push_back(ok ? verdict_text(c, i) : "n/a");
      load_imbalance.push_back(c.expert_load ? c.expert_load->load_imbalance : kNaN);
      idle_experts.push_back(c.expert_load ? c.expert_load->idle_experts : -1);
      // The roof this row's % of peak refers to; CPU peaks are not known (NaN).
      peak_flops.push_back(is_gpu(v) && env.gpu_peaks.flops_per_s > 0 ? env.gpu_peaks.flops_per_s : kNaN);
      peak_bytes.push_back(is_gpu(v) && env.gpu_peaks.bytes_per_s > 0 ? env.gpu_peaks.bytes_per_s : kNaN);
    }
  }
  h5::Table t;
  t.add("op", "", op)
      .add("case", "", label)
      .add("shape", "", shape)
      .add("variant", "", variant)
      .add("backend", "", backend)
      .add("status", "", status)
      .add("detail", "", detail)
      .add("flops", "FLOP", flops)
      .add("bytes", "B", bytes)
      .add("samples", "", samples)
      .add("median_s", "s", median_s)
      .add("iqr_s", "s", iqr_s)
      .add("q25_s", "s", q25_s)
      .add("q75_s", "s", q75_s)
      .add("rel_noise", "", rel_noise)
      .add("tflops", "TFLOP/s", tflops)
      .add("gbps", "GB/s", gbps)
      .add("pct_peak_flops", "%", pct_f)
      .add("pct_peak_bw", "%", pct_bw)
      .add("max_rel_error", "", max_rel_error)
      .add("tolerance", "", tolerance)
      .add("ratio_vs_baseline", "", ratio)
      .add("ratio_ci_lo", "", ratio_lo)
      .add("ratio_ci_hi", "", ratio_hi)
      .add("verdict", "", verdict)
      .add("load_imbalance", "", load_imbalance)
      .add("idle_experts", "", idle_experts)
      .add("peak_flops_per_s", "FLOP/s", peak_flops)
      .add("peak_bytes_per_s", "B/s", peak_bytes);
  w.write_table("/summary", t);

  w.set_attr("/", "device", env.gpu_name());
  w.set_attr("/", "cpu", env.cpu_name);
  w.set_attr("/", "clocks", env.clocks_text());
  w.set_attr("/", "driver", env.driver_text());
  w.set_attr("/", "hardware_id", env.gpu_peaks.hardware_id);
  w.set_attr("/", "peak_flops_per_s", env.gpu_peaks.flops_per_s);
  w.set_attr("/", "peak_bytes_per_s", env.gpu_peaks.bytes_per_s);
  w.set_attr("/", "peak_source", env.gpu_peaks.source);
  w.set_attr("/", "cold_l2", static_cast<std::int64_t>(options.cold_cache ? 1 : 0));
  w.set_attr("/", "noise_target", options.noise);
  w.set_attr("/", "noise_measure", std::string("relative half-width of the order-statistic 95% CI of the median"));
  w.set_attr("/", "max_time_s", options.max_time_s);
  w.set_attr("/", "min_samples", options.min_samples);
  w.set_attr("/", "warmup_runs", options.warmup_runs);
  w.set_attr("/", "seed", static_cast<std::int64_t>(options.seed));
  w.set_attr("/", "bootstrap_resamples", static_cast<std::int64_t>(options.bootstrap_resamples));

  for (const auto& c : cases) {
    const std::string group = fmt::format("/ab/{}/{}", c.op, c.label);
    w.set_attr(group, "shape", c.shape_text);
    w.set_attr(group, "device", env.gpu_name());
    w.set_attr(group, "cpu", env.cpu_name);
    w.set_attr(group, "clocks", env.clocks_text());
    w.set_attr(group, "driver", env.driver_text());
    w.set_attr(group, "cold_l2", static_cast<std::int64_t>(options.cold_cache ? 1 : 0));
    w.set_attr(group, "baseline", c.baseline);
    w.set_attr(group, "flops", c.flops);
    w.set_attr(group, "bytes", c.bytes);
    w.set_attr(group, "rounds", c.rounds);
    w.set_attr(group, "timing_wall_s", c.timing_wall_s);
    w.set_attr(group, "time_capped", static_cast<std::int64_t>(c.time_capped ? 1 : 0));
    if (c.expert_load) write_expert_load(w, group + "/tokens_per_expert", *c.expert_load);
    for (const auto& v : c.variants) {
      if (v.status == Status::ok) w.write_array(group + "/samples_" + v.variant, v.samples_s, "s");
    }
  }
}

}  // namespace moelab::ab
