#include "lab/ab/harness.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>

#include "kernels/common/not_built_variant.hpp"
#include "kernels/common/random_fill.hpp"

namespace moelab::ab {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

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
};

// Prepare, poison, run once, copy back, check. Returns the prepared run when the variant is "ok".
std::unique_ptr<kernels::PreparedRun> check_variant(const kernels::Variant& v, kernels::OpCase& c, VariantOutcome& out) {
  if (!v.available()) {
    out.status = Status::skipped;
    out.detail = v.unavailable_reason();
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
    run->timed_run();
    run->copy_output_to_case();
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
    return nullptr;
  }
}

bool precise_enough(const std::vector<VariantOutcome>& outcomes, const std::vector<Runnable>& runnables,
                    const AbOptions& o) {
  for (const auto& r : runnables) {
    const auto& s = outcomes[r.outcome_index].samples_s;
    if (static_cast<std::int64_t>(s.size()) < o.min_samples) return false;
    if (relative_median_ci_halfwidth(s) > o.noise) return false;
  }
  return true;
}

}  // namespace

void validate(const AbOptions& o, const std::string& origin) {
  const SourceLocation where{origin, 0, 0};
  if (!(o.noise > 0 && o.noise < 1)) throw InputError(where, "noise", "must be in (0, 1)");
  if (!(o.max_time_s > 0)) throw InputError(where, "max_time_s", "must be > 0");
  if (o.min_samples < 2) throw InputError(where, "min_samples", "must be >= 2");
  if (o.max_samples < o.min_samples) throw InputError(where, "max_samples", "must be >= min_samples");
  if (o.warmup_runs < 0) throw InputError(where, "warmup_runs", "must be >= 0");
  if (o.bootstrap_resamples < 100) throw InputError(where, "bootstrap_resamples", "must be >= 100");
}

std::string_view to_string(Status s) {
  switch (s) {
    case Status::ok: return "ok";
    case Status::wrong: return "wrong";
    case Status::unsupported: return "unsupported";
    case Status::skipped: return "skipped";
    case Status::error: return "error";
  }
  return "?";
}

std::vector<const kernels::Variant*> resolve_variants(const kernels::Registry& reg, const std::string& op,
                                                      const std::vector<std::string>& names,
                                                      const SourceLocation& where) {
  if (reg.find_op(op) == nullptr) throw InputError(where, "op", fmt::format("unknown op '{}' (see `moelab list variants`)", op));
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
      throw InputError(where, "variants", fmt::format("op '{}' has no variant '{}'; known: {}", op, name, known.empty() ? "none" : known));
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
    if (const auto* stats = dynamic_cast<const kernels::HasExpertLoad*>(c.get())) result.expert_load = stats->expert_load();
  }

  std::vector<Runnable> runnables;
  for (const auto* v : variants) {
    VariantOutcome out;
    out.variant = v->full_name();
    out.backend = std::string(kernels::to_string(v->backend()));
    auto run = check_variant(*v, *c, out);
    result.variants.push_back(std::move(out));
    if (run) runnables.push_back({result.variants.size() - 1, std::move(run)});
  }

  // Warm-up and timing, interleaved and rotated. An exception while timing marks that variant
  // "error" and drops it from the rotation.
  const auto t0 = Clock::now();
  auto drop_failed = [&](std::size_t k, const std::exception& e) {
    auto& out = result.variants[runnables[k].outcome_index];
    out.status = Status::error;
    out.detail = std::string("while timing: ") + e.what();
    out.samples_s.clear();
    runnables.erase(runnables.begin() + static_cast<std::ptrdiff_t>(k));
  };
  for (std::int64_t w = 0; w < options.warmup_runs && !runnables.empty(); ++w) {
    for (std::size_t k = 0; k < runnables.size();) {
      try {
        runnables[k].run->timed_run();
        ++k;
      } catch (const std::exception& e) {
        drop_failed(k, e);
      }
    }
    if (seconds_since(t0) > options.max_time_s / 4) break;  // slow kernels: keep time for samples
  }
  while (!runnables.empty()) {
    const std::size_t k = runnables.size();
    const std::size_t start = static_cast<std::size_t>(result.rounds) % k;
    for (std::size_t j = 0; j < k; ++j) {
      const std::size_t idx = (start + j) % k;
      auto& r = runnables[idx];
      try {
        if (options.cold_cache) r.run->flush_cache();
        result.variants[r.outcome_index].samples_s.push_back(r.run->timed_run());
      } catch (const std::exception& e) {
        drop_failed(idx, e);
        break;  // indices shifted; start the next round
      }
    }
    ++result.rounds;
    if (runnables.empty()) break;
    if (precise_enough(result.variants, runnables, options)) break;
    bool full = false;
    for (const auto& r : runnables) {
      full = full || static_cast<std::int64_t>(result.variants[r.outcome_index].samples_s.size()) >= options.max_samples;
    }
    if (full) break;
    if (seconds_since(t0) >= options.max_time_s) {
      result.time_capped = true;
      break;
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
      out.verdict = verdict_of(out.ratio);
    }
  }
  return result;
}

}  // namespace moelab::ab
