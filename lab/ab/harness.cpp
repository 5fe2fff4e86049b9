#include "lab/ab/harness.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <thread>

#include "kernels/common/cuda_device.hpp"
#include "kernels/common/not_built_variant.hpp"
#include "kernels/common/random_fill.hpp"
#include "lab/ab/gpu_telemetry.hpp"

namespace moelab::ab {
namespace {

using Clock = std::chrono::steady_clock;

// Consecutive samples one variant takes in a round, at most (samples_this_round).
constexpr int kMaxSamplesPerRound = 16;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::string& context_lost_reason() {
  static std::string reason;
  return reason;
}

std::string case_label(std::size_t index, const kernels::ShapeArgs& shape) {
  std::string name = shape.preset.empty() ? std::string("custom") : shape.preset;
  for (auto& c : name) {
    if (c == '/' || c == ' ') c = '_';  // one group name, not a path
  }
  return fmt::format("{:02d}_{}", index, name);
}

struct Runnable {
  std::size_t outcome_index;
  std::unique_ptr<kernels::PreparedRun> run;
  bool gpu = false;
  double estimate_s = 0;  // one launch's time so far (median of the samples, or the checked run)
  int batch = 1;          // launches per sample in batch mode
  bool active = true;     // still taking samples
  double throttle_delay_s = 0;
  int consecutive_throttled = 0;
};

// A cuda variant's error may have broken the CUDA context for the rest of the process.
void note_cuda_error(const VariantOutcome& out) {
  if (out.backend != "cuda" || !context_lost_reason().empty()) return;
  const std::string why = kernels::cuda_context_error();
  if (!why.empty()) context_lost_reason() = fmt::format("after {}'s error: {}", out.variant, why);
}

// Prepare, poison, run once, copy back, check. Returns the prepared run when the variant is "ok".
std::unique_ptr<kernels::PreparedRun> check_variant(const kernels::Variant& v, kernels::OpCase& c, VariantOutcome& out,
                                                    double& first_run_s) {
  if (!v.available()) {
    out.status = Status::skipped;
    out.detail = v.unavailable_reason();
    return nullptr;
  }
  if (v.backend() == kernels::Backend::cuda && !context_lost_reason().empty()) {
    out.status = Status::error;
    out.detail = "not run: the CUDA context was lost " + context_lost_reason();
    return nullptr;
  }
  if (!v.supports(c)) {
    out.status = Status::unsupported;
    out.detail = "variant does not support this shape";
    return nullptr;
  }
  try {
    auto run = v.prepare(c);
    c.poison_output();
    first_run_s = run->timed_run();
    run->copy_output_to_case();
    out.launches = run->launch_info();
    out.library_calls = run->library_calls();
    out.check = c.check_output();
    if (!out.check.passed) {
      out.status = Status::wrong;
      out.detail = out.check.detail;
      return nullptr;
    }
    out.status = Status::ok;
    return run;
  } catch (const std::exception& e) {
    out.status = Status::error;
    out.detail = e.what();
    note_cuda_error(out);
    return nullptr;
  }
}

bool done(const VariantOutcome& out, const AbOptions& o) {
  const auto n = static_cast<std::int64_t>(out.samples_s.size());
  if (n >= o.max_samples) return true;
  return n >= o.min_samples && relative_median_ci_halfwidth(out.samples_s) <= o.noise;
}

// Launches per batch sample: enough for batch_target_s, at most max_batch.
int batch_size(double launch_s, const AbOptions& o) {
  if (!(launch_s > 0)) return 1;
  return static_cast<int>(std::clamp(std::ceil(o.batch_target_s / launch_s), 1.0, static_cast<double>(o.max_batch)));
}

// One sample of `r` (flush first when cold), with its telemetry; throttled samples and those whose
// blocking kernel gave up are recorded but not accepted.
void take_sample(Runnable& r, VariantOutcome& out, const AbOptions& o, kernels::FlushMethod flush, bool batch) {
  if (flush != kernels::FlushMethod::none) r.run->flush_cache_with(flush);
  SampleRecord rec;
  rec.time_s = batch ? r.run->timed_batch(r.batch) : r.run->timed_run();
  const kernels::SampleInfo info = r.run->last_sample();
  rec.launches = batch ? r.batch : 1;
  rec.host_launch_s = info.host_launch_s;
  rec.sm_clock_hz = info.sm_clock_hz;
  if (r.gpu) {
    const TelemetryReading t = gpu_telemetry().read();
    rec.nvml_sm_clock_hz = t.sm_clock_hz;
    rec.temperature_c = t.temperature_c;
    rec.power_w = t.power_w;
    rec.clock_event_reasons = t.clock_event_reasons;
  }
  if (info.blocker_timed_out) {
    rec.accepted = false;
    rec.rejected = "blocker timed out";
    ++out.blocked_timeouts;
    if (batch && r.batch > 1) r.batch = std::max(1, r.batch / 2);  // the queue could not hold them
  } else if (is_throttled(info.sm_clock_hz, info.default_sm_clock_hz, info.clock_window_s, o.throttle_threshold)) {
    rec.accepted = false;
    rec.rejected = "throttled";
    ++out.throttled_samples;
    ++r.consecutive_throttled;
    r.throttle_delay_s = next_throttle_delay_s(r.throttle_delay_s > 0 ? r.throttle_delay_s : o.throttle_recovery_s,
                                               r.consecutive_throttled);
    if (r.throttle_delay_s > 0) std::this_thread::sleep_for(std::chrono::duration<double>(r.throttle_delay_s));
  } else {
    r.consecutive_throttled = 0;
    r.throttle_delay_s = 0;
  }
  if (rec.accepted) out.samples_s.push_back(rec.time_s);
  out.records.push_back(std::move(rec));
}

double median_of(const std::vector<SampleRecord>& records, double SampleRecord::*field) {
  std::vector<double> v;
  for (const auto& r : records) {
    if (r.accepted && std::isfinite(r.*field)) v.push_back(r.*field);
  }
  return v.empty() ? std::numeric_limits<double>::quiet_NaN() : median(v);
}

}  // namespace

const std::string& cuda_context_lost() { return context_lost_reason(); }

void validate(const AbOptions& o, const std::string& origin) {
  const SourceLocation where{origin, 0, 0};
  if (!(o.noise > 0 && o.noise < 1)) throw InputError(where, "noise", "must be in (0, 1)");
  if (!(o.max_time_s > 0)) throw InputError(where, "max_time_s", "must be > 0");
  if (o.min_samples < 2) throw InputError(where, "min_samples", "must be >= 2");
  if (o.max_samples < o.min_samples) throw InputError(where, "max_samples", "must be >= min_samples");
  if (o.warmup_runs < 0) throw InputError(where, "warmup_runs", "must be >= 0");
  if (o.bootstrap_resamples < 100) throw InputError(where, "bootstrap_resamples", "must be >= 100");
  if (!(o.equivalence_margin >= 0 && o.equivalence_margin < 0.5)) {
    throw InputError(where, "equivalence_margin", "must be in [0, 0.5)");
  }
  if (!(o.throttle_threshold >= 0 && o.throttle_threshold <= 1)) {
    throw InputError(where, "throttle_threshold", "must be in [0, 1]");
  }
  if (!(o.throttle_recovery_s >= 0 && o.throttle_recovery_s <= 10)) {
    throw InputError(where, "throttle_recovery_s", "must be in [0, 10]");
  }
  if (o.batch && o.cold_cache)
    throw InputError(where, "batch", "batch mode times hot launches: set cold_l2 = false (--hot)");
  if (!(o.batch_target_s > 0)) throw InputError(where, "batch_target_s", "must be > 0");
  if (o.max_batch < 1 || o.max_batch > 1024) throw InputError(where, "max_batch", "must be in [1, 1024]");
  if (o.flush_bias && !o.cold_cache)
    throw InputError(where, "flush_bias", "measures cold-sample flushes: needs cold_l2 = true");
  if (o.flush_bias_samples < 5) throw InputError(where, "flush_bias_samples", "must be >= 5");
}

std::string_view to_string(Status s) {
  switch (s) {
    case Status::ok:
      return "ok";
    case Status::wrong:
      return "wrong";
    case Status::unsupported:
      return "unsupported";
    case Status::skipped:
      return "skipped";
    case Status::error:
      return "error";
    case Status::implausible:
      return "implausible";
  }
  return "?";
}

std::vector<const kernels::Variant*> resolve_variants(const kernels::Registry& reg, const std::string& op,
                                                      const std::vector<std::string>& names,
                                                      const SourceLocation& where) {
  if (reg.find_op(op) == nullptr)
    throw InputError(where, "op", fmt::format("unknown op '{}' (see `moelab list variants`)", op));
  if (names.empty()) throw InputError(where, "variants", "name at least one variant");
  std::vector<const kernels::Variant*> out;
  for (const auto& name : names) {
    const auto* v = reg.find_variant(op, name);
    if (v == nullptr) {
      // A backend this build left out, or whose library did not load: its variants are not
      // registered, so accept any name of it and report the variant "skipped" (with the reason)
      // rather than rejecting files written for other builds or machines.
      const auto dot = name.find('.');
      const auto backend = kernels::parse_backend(std::string_view(name).substr(0, dot));
      if (dot != std::string::npos && dot + 1 < name.size() && backend) {
        const auto short_name = std::string_view(name).substr(dot + 1);
        if (!kernels::backend_built(*backend)) {
          v = &kernels::not_built_variant(op, *backend, short_name);
        } else if (const auto why = reg.load_error(*backend); !why.empty()) {
          v = &kernels::unavailable_variant(op, *backend, short_name, why);
        }
      }
    }
    if (v == nullptr) {
      std::string known;
      for (const auto* k : reg.variants(op)) known += (known.empty() ? "" : ", ") + k->full_name();
      throw InputError(where, "variants",
                       fmt::format("op '{}' has no variant '{}'; known: {}", op, name, known.empty() ? "none" : known));
    }
    if (std::find(out.begin(), out.end(), v) != out.end()) {
      throw InputError(where, "variants", fmt::format("variant '{}' named twice", name));
    }
    out.push_back(v);
  }
  return out;
}

CaseOutcome run_case(const kernels::OpInfo& op, const kernels::ShapeArgs& shape,
                     const std::vector<const kernels::Variant*>& variants, const AbOptions& options,
                     std::size_t case_index) {
  auto c = op.make_case(shape);  // InputError propagates: the shape is the user's mistake
  CaseOutcome result;
  result.op = op.name;
  result.label = case_label(case_index, shape);
  result.shape_text = c->shape_text();
  result.dims = c->shape_dims();
  result.peak_kind = c->peak_kind();
  result.flops = c->flops();
  result.bytes = c->bytes();
  result.baseline = variants.empty() ? std::string() : variants.front()->full_name();

  const std::uint64_t case_seed = derive_seed(options.seed, case_index);
  // The fp64 ref can take seconds on big shapes: skip it when no variant can run here anyway.
  const bool any_available =
      std::any_of(variants.begin(), variants.end(), [](const kernels::Variant* v) { return v->available(); });
  if (any_available) {
    c->fill_inputs(case_seed);
    c->compute_reference();
    if (const auto* stats = dynamic_cast<const kernels::HasExpertLoad*>(c.get()))
      result.expert_load = stats->expert_load();
  }

  std::vector<Runnable> runnables;
  bool any_gpu = false;
  for (const auto* v : variants) {
    VariantOutcome out;
    out.variant = v->full_name();
    out.backend = std::string(kernels::to_string(v->backend()));
    double first_run_s = 0;
    auto run = check_variant(*v, *c, out, first_run_s);
    result.variants.push_back(std::move(out));
    if (run) {
      Runnable r{result.variants.size() - 1, std::move(run)};
      r.gpu = v->backend() == kernels::Backend::cuda;
      r.estimate_s = first_run_s;
      any_gpu = any_gpu || r.gpu;
      runnables.push_back(std::move(r));
    }
  }
  if (any_gpu && gpu_telemetry().available()) {
    if (const auto info = kernels::cuda_device_info(0)) gpu_telemetry().select_device(info->pci_bus_id);
  }

  // Warm-up and timing. An exception while timing marks that variant "error" and drops it.
  const auto t0 = Clock::now();
  auto drop_failed = [&](std::size_t k, const std::exception& e) {
    auto& out = result.variants[runnables[k].outcome_index];
    out.status = Status::error;
    out.detail = std::string("while timing: ") + e.what();
    out.samples_s.clear();
    note_cuda_error(out);
    runnables.erase(runnables.begin() + static_cast<std::ptrdiff_t>(k));
    // A lost CUDA context fails every other cuda run too: say so instead of a cascade of errors.
    if (!context_lost_reason().empty()) {
      for (std::size_t j = 0; j < runnables.size();) {
        if (!runnables[j].gpu) {
          ++j;
          continue;
        }
        auto& other = result.variants[runnables[j].outcome_index];
        other.status = Status::error;
        other.detail = "not timed: the CUDA context was lost " + context_lost_reason();
        other.samples_s.clear();
        runnables.erase(runnables.begin() + static_cast<std::ptrdiff_t>(j));
      }
    }
  };
  for (std::int64_t w = 0; w < options.warmup_runs && !runnables.empty(); ++w) {
    for (std::size_t k = 0; k < runnables.size();) {
      try {
        const double t = runnables[k].run->timed_run();
        if (w == options.warmup_runs - 1) runnables[k].estimate_s = t;  // warm, unlike the checked run
        ++k;
      } catch (const std::exception& e) {
        drop_failed(k, e);
      }
    }
    if (seconds_since(t0) > options.max_time_s / 4) break;  // slow kernels: keep time for samples
  }
  const kernels::FlushMethod flush = options.cold_cache ? options.flush : kernels::FlushMethod::none;
  for (auto& r : runnables) r.batch = options.batch ? batch_size(r.estimate_s, options) : 1;

  while (true) {
    std::vector<std::size_t> active;
    for (std::size_t k = 0; k < runnables.size(); ++k) {
      if (runnables[k].active) active.push_back(k);
    }
    if (active.empty()) break;
    double slot_s = 0;  // the slowest active variant's sample
    for (std::size_t k : active) slot_s = std::max(slot_s, runnables[k].estimate_s * runnables[k].batch);
    const std::size_t start = static_cast<std::size_t>(result.rounds) % active.size();
    bool dropped = false;
    for (std::size_t j = 0; j < active.size() && !dropped; ++j) {
      const std::size_t idx = active[(start + j) % active.size()];
      auto& r = runnables[idx];
      auto& out = result.variants[r.outcome_index];
      const int reps = samples_this_round(r.estimate_s * r.batch, slot_s, kMaxSamplesPerRound);
      try {
        for (int s = 0; s < reps && static_cast<std::int64_t>(out.samples_s.size()) < options.max_samples; ++s) {
          take_sample(r, out, options, flush, options.batch);
        }
      } catch (const std::exception& e) {
        drop_failed(idx, e);
        dropped = true;  // indices shifted; start the next round
        break;
      }
      if (!out.samples_s.empty()) r.estimate_s = median(out.samples_s);
      if (done(out, options)) r.active = false;
    }
    ++result.rounds;
    if (seconds_since(t0) >= options.max_time_s) {
      result.time_capped = std::any_of(runnables.begin(), runnables.end(), [](const Runnable& r) { return r.active; });
      break;
    }
  }

  // The bias of each flush method, per variant: the same variant timed after a read flush, a
  // write flush and no flush, interleaved (write - read is what dirty lines cost the timed kernel).
  if (options.flush_bias && options.cold_cache) {
    const kernels::FlushMethod methods[] = {kernels::FlushMethod::read, kernels::FlushMethod::write,
                                            kernels::FlushMethod::none};
    for (std::size_t k = 0; k < runnables.size();) {
      auto& r = runnables[k];
      auto& out = result.variants[r.outcome_index];
      std::vector<std::vector<double>> times(3);
      try {
        for (std::int64_t s = 0; s < options.flush_bias_samples; ++s) {
          for (int m = 0; m < 3; ++m) {
            VariantOutcome scratch;  // not part of the variant's samples
            take_sample(r, scratch, options, methods[m], false);
            if (!scratch.samples_s.empty()) times[m].push_back(scratch.samples_s.front());
          }
        }
      } catch (const std::exception& e) {
        drop_failed(k, e);
        continue;
      }
      for (int m = 0; m < 3; ++m) {
        out.flush_bias.push_back({methods[m], static_cast<std::int64_t>(times[m].size()),
                                  times[m].empty() ? std::numeric_limits<double>::quiet_NaN() : median(times[m])});
      }
      ++k;
    }
  }
  result.timing_wall_s = seconds_since(t0);

  // Summaries and the comparison with the baseline (whose own ratio is exactly 1).
  if (result.variants.empty()) return result;
  const VariantOutcome& base = result.variants.front();
  for (std::size_t i = 0; i < result.variants.size(); ++i) {
    auto& out = result.variants[i];
    if (out.status != Status::ok) continue;
    out.summary = summarize(out.samples_s);
    out.rel_noise = relative_median_ci_halfwidth(out.samples_s);
    out.host_launch_median_s = median_of(out.records, &SampleRecord::host_launch_s);
    out.sm_clock_median_hz = median_of(out.records, &SampleRecord::sm_clock_hz);
    if (i == 0) {
      out.ratio = RatioCI{1.0, 1.0, 1.0, 0.95, 0};
      out.has_ratio = true;
      out.verdict = Verdict::same;
    } else if (base.status == Status::ok && !base.samples_s.empty() && !out.samples_s.empty()) {
      if (std::min(base.samples_s.size(), out.samples_s.size()) >= kMinSamplesForVerdict) {
        out.ratio = bootstrap_ratio_of_medians(base.samples_s, out.samples_s, derive_seed(case_seed, 1000 + i),
                                               options.bootstrap_resamples);
      } else {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        out.ratio = RatioCI{out.summary.median / base.summary.median, nan, nan, 0.95, 0};
      }
      out.has_ratio = true;
      out.verdict = verdict_of(out.ratio, options.equivalence_margin);
    }
  }
  return result;
}

}  // namespace moelab::ab
