#include "lab/ab/ab_plan.hpp"

#include <fmt/format.h>

#include "base/memory_budget.hpp"
#include "lab/ab/environment.hpp"
#include "lab/ab/report.hpp"
#include "lab/ab/sanity.hpp"
#include "lab/h5/writer.hpp"

namespace moelab::ab {
namespace {

std::string toml_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string toml_string_array(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + toml_string(v[i]);
  return out + "]";
}

// Whether a case names a cuda variant: only then is the GPU queried.
bool names_cuda_variant(const AbPlan& plan) {
  for (const auto& c : plan.cases) {
    for (const auto& name : c.variants) {
      if (kernels::parse_backend(std::string_view(name).substr(0, name.find('.'))) == kernels::Backend::cuda)
        return true;
    }
  }
  return false;
}

}  // namespace

// A case whose buffers would not fit this machine fails before anything is allocated (cases
// allocate on first use; host_bytes() is computed from the shape).
void check_case_memory(const kernels::OpCase& c, const AbCaseSpec& spec) {
  const double need = c.host_bytes();
  const double budget = memory_budget_bytes();
  if (need <= budget) return;
  std::string keys;
  for (const auto& [k, v] : spec.shape.dims) keys += (keys.empty() ? "" : ",") + k;
  throw InputError({spec.shape.origin, 0, 0}, keys.empty() ? "shape" : keys,
                   fmt::format("{} {} needs {} of host memory for its inputs, outputs and reference, more than the {} "
                               "this machine allows (half its memory)",
                               c.op(), c.shape_text(), format_bytes(need), format_bytes(budget)));
}

void validate_plan(const kernels::Registry& reg, const AbPlan& plan) {
  validate(plan.options, "ab options");
  if (plan.cases.empty()) throw InputError({}, "cases", "no cases to run");
  for (const auto& c : plan.cases) {
    resolve_variants(reg, c.op, c.variants, c.where);
    // Impossible shapes throw InputError; nothing is allocated (cases allocate on first use).
    try {
      const auto made = reg.find_op(c.op)->make_case(c.shape);
      check_case_memory(*made, c);
    } catch (const InputError& e) {
      if (c.key_prefix.empty()) throw;
      // From an experiment file: at the dim's value (or the preset, or the case) with its full key.
      const auto dim = c.dim_locations.find(e.key());
      if (dim != c.dim_locations.end()) throw InputError(dim->second, c.key_prefix + ".dims." + e.key(), e.problem());
      if (e.key() == "shape" && c.preset_location)
        throw InputError(*c.preset_location, c.key_prefix + ".preset", e.problem());
      throw InputError(c.where, c.key_prefix + (e.key().empty() ? "" : "." + e.key()), e.problem());
    }
    if (!c.anchor.empty()) load_anchor(c.anchor, c.anchor_where);
  }
}

int execute_plan(const kernels::Registry& reg, const AbPlan& plan, const AbOutput& output, std::ostream& out) {
  validate_plan(reg, plan);
  const AbEnvironment env = detect_environment(plan.hardware_id, names_cuda_variant(plan));
  out << "device: " << env.gpu_name();
  if (env.gpu) {
    out << " (" << env.clocks_text() << "; " << env.driver_text() << "; " << env.toolkit_text() << "; NVML "
        << env.nvml_status << ")";
  }
  out << "\ncpu: " << env.cpu_name << "\npeaks: "
      << (env.gpu_peaks.source.empty() ? std::string("none (CPU rows report GFLOP/s only)") : env.gpu_peaks.source)
      << '\n';
  const auto& o = plan.options;
  out << fmt::format(
      "timing: {}, warm-up {}, >= {} samples, noise target {:.2g}% (median CI half-width), cap {:.3g} s/case, "
      "SAME within +-{:.3g}%{}\n\n",
      o.batch        ? "batch (hot, back-to-back launches)"
      : o.cold_cache ? "cold (GPU: " + std::string(kernels::to_string(o.flush)) + " flush of L2; CPU: LLC write flush)"
                     : "hot",
      o.warmup_runs, o.min_samples, 100 * o.noise, o.max_time_s, 100 * o.equivalence_margin,
      o.strict ? ", strict (skipped/unsupported fail)" : "");
  out.flush();

  // The file is rewritten (temp + rename) after every case, so a run stopped by a timeout still
  // leaves the finished cases; attribute `cases_complete` says how many of `cases_planned` ran.
  // A file already at the output path is never replaced by a partial one: until the last case
  // has run, the finished cases go to "<stem>.partial.h5" beside it, removed at the end.
  std::optional<std::filesystem::path> checkpoint;
  if (output.path) {
    h5::check_output_path(*output.path);
    std::error_code ec;
    checkpoint = *output.path;
    if (std::filesystem::exists(*output.path, ec) && plan.cases.size() > 1) {
      checkpoint = output.path->parent_path() / (output.path->stem().string() + ".partial.h5");
      h5::check_output_path(*checkpoint);
      out << fmt::format("{} exists and is kept until every case has run; finished cases are saved in {} meanwhile\n\n",
                         output.path->string(), checkpoint->string());
    }
  }
  std::vector<CaseOutcome> results;
  auto write_file = [&] {
    if (!output.path) return;
    const bool last = results.size() == plan.cases.size();
    h5::Writer w(last ? *output.path : *checkpoint);
    w.write_provenance(h5::Provenance{"kernel-ab", output.config_toml, output.config_path, output.command_line});
    write_ab_results(w, results, env, plan.options);
    w.set_attr("/", "cases_planned", static_cast<std::int64_t>(plan.cases.size()));
    w.set_attr("/", "cases_complete", static_cast<std::int64_t>(results.size()));
    w.commit();
    if (last && *checkpoint != *output.path) {
      std::error_code ec;
      std::filesystem::remove(*checkpoint, ec);
    }
  };
  int failures = 0;
  for (std::size_t i = 0; i < plan.cases.size(); ++i) {
    const auto& spec = plan.cases[i];
    const auto variants = resolve_variants(reg, spec.op, spec.variants, spec.where);
    results.push_back(run_case(*reg.find_op(spec.op), spec.shape, variants, plan.options, i));
    auto& result = results.back();
    if (!spec.anchor.empty()) result.anchor = load_anchor(spec.anchor, spec.anchor_where);
    apply_sanity_bound(result, env, plan.options);
    print_case(out, result, env);
    out << '\n';
    out.flush();
    for (const auto& v : result.variants) {
      failures += v.status == Status::wrong || v.status == Status::error || v.status == Status::implausible;
      if (plan.options.strict) failures += v.status == Status::skipped || v.status == Status::unsupported;
    }
    write_file();
  }
  if (output.path) out << "wrote " << output.path->string() << '\n';
  if (failures > 0) {
    out << fmt::format("{} variant run(s) failed: wrong against ref, an error, implausibly fast{}\n", failures,
                       plan.options.strict ? ", skipped or unsupported (strict)" : "");
    return 1;
  }
  return 0;
}

std::string plan_to_toml(const AbPlan& plan, const std::string& name) {
  const auto& o = plan.options;
  std::string t =
      fmt::format("[experiment]\nname = {}\nkind = \"kernel-ab\"\nseed = {}\n\n[ab]\n", toml_string(name), o.seed);
  t += fmt::format("cold_l2 = {}\nmax_time_s = {}\nmin_samples = {}\nmax_samples = {}\nnoise = {}\nwarmup_runs = {}\n",
                   o.cold_cache ? "true" : "false", o.max_time_s, o.min_samples, o.max_samples, o.noise, o.warmup_runs);
  t += fmt::format("bootstrap_resamples = {}\n", o.bootstrap_resamples);
  t += fmt::format(
      "batch = {}\nflush = {}\nflush_bias = {}\nequivalence_margin = {}\nthrottle_threshold = {}\nstrict = {}\n",
      o.batch ? "true" : "false", toml_string(std::string(kernels::to_string(o.flush))),
      o.flush_bias ? "true" : "false", o.equivalence_margin, o.throttle_threshold, o.strict ? "true" : "false");
  if (!plan.hardware_id.empty()) t += fmt::format("hardware = {}\n", toml_string(plan.hardware_id));
  for (const auto& c : plan.cases) {
    t += fmt::format("\n[[ab.cases]]\nop = {}\nvariants = {}\n", toml_string(c.op), toml_string_array(c.variants));
    if (!c.shape.preset.empty()) t += fmt::format("preset = {}\n", toml_string(c.shape.preset));
    if (!c.anchor.empty()) t += fmt::format("anchor = {}\n", toml_string(c.anchor));
    if (!c.shape.dims.empty()) {
      t += "dims = {";
      bool first = true;
      for (const auto& [k, v] : c.shape.dims) {
        t += fmt::format("{} {} = {}", first ? "" : ",", k, v);
        first = false;
      }
      t += " }\n";
    }
  }
  return t;
}

}  // namespace moelab::ab
