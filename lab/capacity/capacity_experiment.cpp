#include "lab/capacity/capacity_experiment.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

#include "lab/capacity/capacity_tables.hpp"
#include "lab/config/spec_quality.hpp"
#include "lab/h5/writer.hpp"

namespace moelab::lab {
namespace {

std::string format_number(double v, const char* spec = "{:.4g}") {
  return std::isnan(v) ? "-" : fmt::format(fmt::runtime(spec), v);
}

void print_validation(const CapacityPlan& plan, const ExperimentContext& ctx) {
  std::printf("ok: %s: capacity experiment (search by %s, SLO p%g: TTFT <= %g s, TPOT <= %g s), %zu point%s\n",
              ctx.source.file().c_str(), plan.search.kind == SearchKind::rate ? "rate" : "replicas",
              plan.search.slo.percentile, plan.search.slo.ttft_s, plan.search.slo.tpot_s, plan.points.size(),
              plan.points.size() == 1 ? "" : "s");
  for (const auto& p : plan.points) {
    std::printf("  %04zu  %s\n", p.index, p.label.empty() ? "-" : p.label.c_str());
    for (const auto& c : p.costs) std::printf("        costs.%s: %s\n", c.name.c_str(), c.model->describe().c_str());
  }
}

std::string summary_text(const CapacityPlan& plan, const std::vector<PointRun>& runs) {
  std::string out =
      fmt::format("{:>4}  {:<40} {:>10} {:>12} {:>11} {:>11}  {}\n", "run", "label", "status",
                  plan.search.kind == SearchKind::rate ? "capacity/s" : "replicas",
                  fmt::format("TTFT p{:g} s", plan.search.slo.percentile),
                  fmt::format("TPOT p{:g} ms", plan.search.slo.percentile), "$/M tokens (per cost scenario)");
  for (const auto& r : runs) {
    const ProbeRecord* at = r.outcome->at >= 0 ? &r.outcome->probes[static_cast<std::size_t>(r.outcome->at)] : nullptr;
    std::string costs;
    for (const auto& s : r.economics.scenarios) {
      costs += fmt::format("{}{}={}", costs.empty() ? "" : "  ", s.name,
                           format_number(s.at_capacity.tokens.usd_per_m_tokens));
    }
    out += fmt::format("{:>4}  {:<40} {:>10} {:>12} {:>11} {:>11}  {}\n", r.point->index,
                       r.point->label.empty() ? "-" : r.point->label.substr(0, 40),
                       sim::search_status_name(r.outcome->search.status), format_number(r.outcome->search.meets),
                       at ? format_number(at->window.ttft_s, "{:.3f}") : "-",
                       at ? format_number(at->window.tpot_s * 1e3, "{:.1f}") : "-", costs);
  }
  return out;
}

}  // namespace

int run_capacity_experiment(const ExperimentContext& ctx) {
  const CapacityPlan plan = plan_capacity(ctx.source, ctx.header.name);
  if (ctx.validate_only) {
    print_validation(plan, ctx);
    return 0;
  }
  const auto scores = config::load_quality_scores();
  std::optional<h5::Writer> opened;
  try {
    opened.emplace(ctx.output_path);
  } catch (const std::exception& e) {
    throw InputError({ctx.output_path.string(), 0, 0}, "", std::string("cannot create the result file: ") + e.what());
  }
  h5::Writer& writer = *opened;

  // Points that differ only in costs, demand or compare share one search (same probes).
  std::map<std::string, SearchOutcome> searches;
  std::vector<PointRun> runs;
  std::size_t violations = 0;
  for (const auto& point : plan.points) {
    auto it = searches.find(point.search_key);
    if (it == searches.end()) {
      if (ctx.progress != ProgressStyle::quiet)
        std::fprintf(stderr, "point %zu/%zu %s: searching\n", point.index + 1, plan.points.size(), point.label.c_str());
      it = searches.emplace(point.search_key, search_capacity(ctx.source, plan, point)).first;
      for (const auto& probe : it->second.probes) {
        for (const auto& v : probe.invariant_violations) {
          ++violations;
          std::fprintf(stderr, "moelab: warning: point %04zu, probe at %g: invariant violated: %s\n", point.index,
                       probe.value, v.c_str());
        }
      }
    }
    runs.push_back({&point, &it->second, evaluate_economics(plan, point, it->second)});
  }

  writer.write_provenance({"capacity", plan.config_toml, ctx.source.file(), ctx.command_line});
  writer.set_attr("/", "experiment_name", plan.header.name);
  writer.set_attr("/", "experiment_description", plan.header.description);
  const auto& s = plan.search;
  writer.set_attr("/", "capacity_search", std::string(s.kind == SearchKind::rate ? "rate" : "replicas"));
  writer.set_attr("/", "slo_percentile", s.slo.percentile);
  writer.set_attr("/", "slo_ttft_s", s.slo.ttft_s);
  writer.set_attr("/", "slo_tpot_s", s.slo.tpot_s);
  writer.set_attr("/", "relative_tolerance", s.kind == SearchKind::rate ? s.relative_tolerance : 0.0);
  writer.set_attr("/", "warmup_fraction", s.window.warmup_fraction);
  writer.set_attr("/", "drain_fraction", s.window.drain_fraction);
  writer.write_table("/capacity", capacity_table(plan, runs));
  writer.write_table("/probes", probes_table(plan, runs));
  writer.write_table("/costs", costs_table(plan, runs));
  writer.write_table("/cost_components", cost_components_table(runs));
  writer.write_table("/fleet", fleet_table(runs));
  writer.write_table("/api", api_table(runs));
  writer.write_table("/break_even", break_even_table(runs));
  writer.write_table("/demand_shape", demand_shape_table(runs));
  writer.write_table("/quality", quality_table(runs, scores));
  writer.commit();

  std::fputs(summary_text(plan, runs).c_str(), stdout);
  std::printf("wrote %s\n", ctx.output_path.string().c_str());
  std::fflush(stdout);
  if (violations > 0) {
    std::fprintf(stderr, "moelab: error: %zu simulator invariant violation(s) (a bug); results kept in %s\n",
                 violations, ctx.output_path.string().c_str());
    return 1;
  }
  return 0;
}

}  // namespace moelab::lab
