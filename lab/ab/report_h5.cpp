// The HDF5 side of the A/B report (lab/h5/SCHEMA.md, "Kernel A/B files").
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "lab/ab/gpu_telemetry.hpp"
#include "lab/ab/report.hpp"

namespace moelab::ab {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool is_gpu(const VariantOutcome& v) { return v.backend == "cuda"; }
bool timed(const VariantOutcome& v) { return v.status == Status::ok || v.status == Status::implausible; }

std::string verdict_text(const CaseOutcome& c, std::size_t i) {
  const auto& v = c.variants[i];
  if (i == 0) return "baseline";
  if (!v.has_ratio) return "n/a";
  return std::string(to_string(v.verdict));
}

std::string timing_mode(const AbOptions& o) { return o.batch ? "batch" : o.cold_cache ? "cold" : "hot"; }

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

// Every sample taken, accepted or not, with its telemetry.
void write_telemetry(h5::Writer& w, const std::string& path, const VariantOutcome& v) {
  std::vector<double> time_s, host_launch_s, sm_clock_hz, nvml_clock_hz, temperature_c, power_w;
  std::vector<std::int64_t> accepted, launches, reasons;
  std::vector<std::string> rejected;
  for (const auto& r : v.records) {
    time_s.push_back(r.time_s);
    accepted.push_back(r.accepted ? 1 : 0);
    rejected.push_back(r.rejected);
    launches.push_back(r.launches);
    host_launch_s.push_back(r.host_launch_s);
    sm_clock_hz.push_back(r.sm_clock_hz);
    nvml_clock_hz.push_back(r.nvml_sm_clock_hz);
    temperature_c.push_back(r.temperature_c);
    power_w.push_back(r.power_w);
    reasons.push_back(r.clock_event_reasons);
  }
  h5::Table t;
  t.add("time_s", "s", std::move(time_s))
      .add("accepted", "", std::move(accepted))
      .add("rejected", "", std::move(rejected))
      .add("launches", "", std::move(launches))
      .add("host_launch_s", "s", std::move(host_launch_s))
      .add("sm_clock_hz", "Hz", std::move(sm_clock_hz))
      .add("nvml_sm_clock_hz", "Hz", std::move(nvml_clock_hz))
      .add("temperature_c", "C", std::move(temperature_c))
      .add("power_w", "W", std::move(power_w))
      .add("clock_event_reasons", "", std::move(reasons));
  w.write_table(path, t);
}

void write_launches(h5::Writer& w, const std::string& path, const VariantOutcome& v) {
  std::vector<std::string> kernel;
  std::vector<std::int64_t> gx, gy, gz, bx, by, bz, dyn, stat, regs, local, maxt, blocks, ptx, bin, count;
  std::vector<double> occupancy;
  for (const auto& l : v.launches) {
    kernel.push_back(l.kernel);
    gx.push_back(l.grid[0]), gy.push_back(l.grid[1]), gz.push_back(l.grid[2]);
    bx.push_back(l.block[0]), by.push_back(l.block[1]), bz.push_back(l.block[2]);
    dyn.push_back(l.dynamic_smem_bytes);
    stat.push_back(l.static_smem_bytes);
    regs.push_back(l.registers_per_thread);
    local.push_back(l.local_bytes_per_thread);
    maxt.push_back(l.max_threads_per_block);
    blocks.push_back(l.blocks_per_sm);
    occupancy.push_back(l.occupancy);
    ptx.push_back(l.ptx_version);
    bin.push_back(l.binary_version);
    count.push_back(l.count);
  }
  h5::Table t;
  t.add("kernel", "", std::move(kernel))
      .add("grid_x", "", std::move(gx))
      .add("grid_y", "", std::move(gy))
      .add("grid_z", "", std::move(gz))
      .add("block_x", "", std::move(bx))
      .add("block_y", "", std::move(by))
      .add("block_z", "", std::move(bz))
      .add("dynamic_smem_bytes", "B", std::move(dyn))
      .add("static_smem_bytes", "B", std::move(stat))
      .add("registers_per_thread", "", std::move(regs))
      .add("local_bytes_per_thread", "B", std::move(local))
      .add("max_threads_per_block", "", std::move(maxt))
      .add("blocks_per_sm", "", std::move(blocks))
      .add("occupancy", "", std::move(occupancy))
      .add("ptx_version", "", std::move(ptx))
      .add("binary_version", "", std::move(bin))
      .add("launches_per_run", "", std::move(count));
  w.write_table(path, t);
}

void write_flush_bias(h5::Writer& w, const std::string& path, const CaseOutcome& c) {
  std::vector<std::string> variant, method;
  std::vector<std::int64_t> samples;
  std::vector<double> median_s, vs_read;
  for (const auto& v : c.variants) {
    for (const auto& b : v.flush_bias) {
      variant.push_back(v.variant);
      method.push_back(std::string(kernels::to_string(b.method)));
      samples.push_back(b.samples);
      median_s.push_back(b.median_s);
      vs_read.push_back(b.median_s / v.flush_bias.front().median_s);
    }
  }
  if (variant.empty()) return;
  h5::Table t;
  t.add("variant", "", std::move(variant))
      .add("method", "", std::move(method))
      .add("samples", "", std::move(samples))
      .add("median_s", "s", std::move(median_s))
      .add("ratio_vs_read", "", std::move(vs_read));
  w.write_table(path, t);
}

// The kernels of a row in one line: "name grid(x,y,z) block(x,y,z) smem N regs R occ O%; ...".
std::string launch_text(const VariantOutcome& v) {
  std::string out;
  for (const auto& l : v.launches) {
    out += fmt::format("{}{} grid({},{},{}) block({},{},{}) smem {}+{} regs {} local {} occ {:.0f}% x{}",
                       out.empty() ? "" : "; ", l.kernel.substr(0, l.kernel.find('(')), l.grid[0], l.grid[1], l.grid[2],
                       l.block[0], l.block[1], l.block[2], l.static_smem_bytes, l.dynamic_smem_bytes,
                       l.registers_per_thread, l.local_bytes_per_thread, 100 * l.occupancy, l.count);
  }
  if (!v.library_calls.empty()) out += (out.empty() ? "" : "; ") + v.library_calls;
  return out;
}

double max_of(const std::vector<SampleRecord>& records, double SampleRecord::*field) {
  double m = kNaN;
  for (const auto& r : records) {
    if (r.accepted && std::isfinite(r.*field)) m = std::isfinite(m) ? std::max(m, r.*field) : r.*field;
  }
  return m;
}

double median_of(const std::vector<SampleRecord>& records, double SampleRecord::*field) {
  std::vector<double> v;
  for (const auto& r : records) {
    if (r.accepted && std::isfinite(r.*field)) v.push_back(r.*field);
  }
  return v.empty() ? kNaN : median(v);
}

}  // namespace

void write_ab_results(h5::Writer& w, const std::vector<CaseOutcome>& cases, const AbEnvironment& env,
                      const AbOptions& options) {
  std::vector<std::string> op, label, shape, variant, backend, status, detail, verdict, launches, anchor, timing, flush;
  std::vector<std::int64_t> samples, idle_experts, throttled, blocker_timeouts;
  std::vector<double> flops, bytes, median_s, iqr_s, q25_s, q75_s, rel_noise, tflops, gbps, pct_f, pct_bw,
      max_rel_error, tolerance, ratio, ratio_lo, ratio_hi, load_imbalance, peak_flops, peak_bytes, host_launch,
      sm_clock, nvml_clock, temperature, power, max_regs, min_occupancy, anchor_value, to_anchor, to_anchor_scaled;
  // Shape dims: one column per name any case reports, in order of first appearance.
  std::vector<std::string> dim_names;
  for (const auto& c : cases) {
    for (const auto& [name, value] : c.dims) {
      if (std::find(dim_names.begin(), dim_names.end(), name) == dim_names.end()) dim_names.push_back(name);
    }
  }
  std::vector<std::vector<double>> dim_values(dim_names.size());

  for (const auto& c : cases) {
    for (std::size_t i = 0; i < c.variants.size(); ++i) {
      const auto& v = c.variants[i];
      const bool ok = timed(v);
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
      verdict.push_back(v.status == Status::ok ? verdict_text(c, i) : "n/a");
      load_imbalance.push_back(c.expert_load ? c.expert_load->load_imbalance : kNaN);
      idle_experts.push_back(c.expert_load ? c.expert_load->idle_experts : -1);
      // The roof this row's % of peak refers to; CPU peaks are not known (NaN).
      const double fpeak = env.gpu_peaks.flops_for(c.peak_kind);
      peak_flops.push_back(is_gpu(v) && fpeak > 0 ? fpeak : kNaN);
      peak_bytes.push_back(is_gpu(v) && env.gpu_peaks.bytes_per_s > 0 ? env.gpu_peaks.bytes_per_s : kNaN);
      timing.push_back(timing_mode(options));
      flush.push_back(options.cold_cache
                          ? std::string(kernels::to_string(is_gpu(v) ? options.flush : kernels::FlushMethod::write))
                          : std::string("none"));
      throttled.push_back(v.throttled_samples);
      blocker_timeouts.push_back(v.blocked_timeouts);
      host_launch.push_back(ok ? v.host_launch_median_s : kNaN);
      sm_clock.push_back(ok ? v.sm_clock_median_hz : kNaN);
      nvml_clock.push_back(ok ? median_of(v.records, &SampleRecord::nvml_sm_clock_hz) : kNaN);
      temperature.push_back(ok ? max_of(v.records, &SampleRecord::temperature_c) : kNaN);
      power.push_back(ok ? median_of(v.records, &SampleRecord::power_w) : kNaN);
      double regs = kNaN, occ = kNaN;
      for (const auto& l : v.launches) {
        regs = std::isfinite(regs) ? std::max(regs, double(l.registers_per_thread)) : l.registers_per_thread;
        occ = std::isfinite(occ) ? std::min(occ, l.occupancy) : l.occupancy;
      }
      max_regs.push_back(regs);
      min_occupancy.push_back(occ);
      launches.push_back(launch_text(v));
      const AnchorRatios a = anchor_ratios(c, v, env);
      anchor.push_back(c.anchor ? c.anchor->id : "");
      anchor_value.push_back(c.anchor ? c.anchor->value : kNaN);
      to_anchor.push_back(a.ratio);
      to_anchor_scaled.push_back(a.ratio_peak_scaled);
      for (std::size_t d = 0; d < dim_names.size(); ++d) {
        double x = kNaN;
        for (const auto& [name, value] : c.dims) {
          if (name == dim_names[d]) x = value;
        }
        dim_values[d].push_back(x);
      }
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
      .add("peak_bytes_per_s", "B/s", peak_bytes)
      .add("timing", "", timing)
      .add("flush_method", "", flush)
      .add("throttled_samples", "", throttled)
      .add("blocker_timeouts", "", blocker_timeouts)
      .add("host_launch_median_s", "s", host_launch)
      .add("sm_clock_median_hz", "Hz", sm_clock)
      .add("nvml_sm_clock_median_hz", "Hz", nvml_clock)
      .add("temperature_max_c", "C", temperature)
      .add("power_median_w", "W", power)
      .add("max_registers", "", max_regs)
      .add("min_occupancy", "", min_occupancy)
      .add("launches", "", launches)
      .add("anchor", "", anchor)
      .add("anchor_value", "", anchor_value)
      .add("ratio_to_anchor", "", to_anchor)
      .add("ratio_to_anchor_peak_scaled", "", to_anchor_scaled);
  for (std::size_t d = 0; d < dim_names.size(); ++d) t.add("dim_" + dim_names[d], "", std::move(dim_values[d]));
  w.write_table("/summary", t);

  w.set_attr("/", "device", env.gpu_name());
  w.set_attr("/", "cpu", env.cpu_name);
  w.set_attr("/", "clocks", env.clocks_text());
  w.set_attr("/", "driver", env.driver_text());
  w.set_attr("/", "toolkit", env.toolkit_text());
  w.set_attr("/", "cuda_flags", env.build ? env.build->cuda_flags : std::string());
  w.set_attr("/", "cuda_architectures", env.build ? env.build->architectures : std::string());
  w.set_attr("/", "cublas_version", env.build ? env.build->cublas_version : std::string());
  w.set_attr("/", "nvml", env.gpu ? env.nvml_status : std::string("not used (no GPU)"));
  w.set_attr("/", "hardware_id", env.gpu_peaks.hardware_id);
  w.set_attr("/", "peak_flops_per_s", env.gpu_peaks.flops_per_s);
  w.set_attr("/", "peak_fp8_flops_per_s", env.gpu_peaks.fp8_flops_per_s);
  w.set_attr("/", "peak_bytes_per_s", env.gpu_peaks.bytes_per_s);
  w.set_attr("/", "peak_source", env.gpu_peaks.source);
  w.set_attr("/", "cold_l2", static_cast<std::int64_t>(options.cold_cache ? 1 : 0));
  w.set_attr("/", "timing", timing_mode(options));
  w.set_attr("/", "flush_method", std::string(kernels::to_string(options.flush)));
  w.set_attr("/", "noise_target", options.noise);
  w.set_attr("/", "noise_measure", std::string("relative half-width of the order-statistic 95% CI of the median"));
  w.set_attr("/", "equivalence_margin", options.equivalence_margin);
  w.set_attr("/", "throttle_threshold", options.throttle_threshold);
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
    if (c.anchor) {
      w.set_attr(group, "anchor", c.anchor->id);
      w.set_attr(group, "anchor_metric", c.anchor->metric);
      w.set_attr(group, "anchor_value", c.anchor->value);
      w.set_attr(group, "anchor_unit", c.anchor->unit);
      w.set_attr(group, "anchor_hardware", c.anchor->hardware);
      w.set_attr(group, "anchor_source", c.anchor->source);
      w.set_attr(group, "anchor_date", c.anchor->date);
    }
    if (c.expert_load) write_expert_load(w, group + "/tokens_per_expert", *c.expert_load);
    for (const auto& v : c.variants) {
      if (timed(v)) w.write_array(group + "/samples_" + v.variant, v.samples_s, "s");
      if (!v.records.empty()) write_telemetry(w, group + "/telemetry_" + v.variant, v);
      if (!v.launches.empty()) write_launches(w, group + "/launches_" + v.variant, v);
    }
    write_flush_bias(w, group + "/flush_bias", c);
  }
}

}  // namespace moelab::ab
