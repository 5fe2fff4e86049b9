// `moelab list metrics`: the simulator's metric definitions (simulator/metrics/), with `--markdown`
// the metric tables of lab/h5/SCHEMA.md (tests/lab/h5 checks that the file holds exactly this text).
#include <fmt/format.h>

#include "lab/cli/list_topics.hpp"
#include "simulator/metrics/kv_tier_metrics.hpp"
#include "simulator/metrics/request_metrics.hpp"
#include "simulator/metrics/summary.hpp"
#include "simulator/metrics/timeseries_metrics.hpp"

namespace moelab::cli {
namespace {

std::string_view stored_type(const sim::MetricDefinition& d) {
  return d.type == sim::MetricType::count ? "int64" : "float64";
}

ListEntry entry(std::string_view dataset, const sim::MetricDefinition& d) {
  return {std::string(d.name),
          fmt::format("{:<9} {:<8} {:<9} {}", dataset, stored_type(d), d.unit.empty() ? "-" : d.unit, d.description)};
}

void markdown_table(std::string& out, const std::vector<const sim::MetricDefinition*>& defs) {
  out += "| column | type | unit | meaning |\n|---|---|---|---|\n";
  for (const auto* d : defs) {
    out += fmt::format("| `{}` | {} | {} | {} |\n", d->name, stored_type(*d), d->unit, markdown_escape(d->description));
  }
}

}  // namespace

std::vector<ListEntry> list_metrics() {
  std::vector<ListEntry> out;
  for (const auto& m : sim::summary_metrics()) out.push_back(entry("summary", m.definition));
  for (const auto* m : sim::kv_tier_metrics::all()) out.push_back(entry("summary", *m));
  for (const auto& m : sim::request_metrics()) out.push_back(entry("requests", m.definition));
  for (const auto& m : sim::timeseries_metrics()) out.push_back(entry("timeseries", m.definition));
  return out;
}

std::string metrics_markdown() {
  std::vector<const sim::MetricDefinition*> summary, requests;
  for (const auto& m : sim::summary_metrics()) summary.push_back(&m.definition);
  for (const auto& m : sim::request_metrics()) requests.push_back(&m.definition);
  std::string out = "Metric columns of `/summary`, after `run`, `label` and the swept keys:\n\n";
  markdown_table(out, summary);
  out += "\nRuns with a tiered KV store (`[cluster.kv_tiers]`) append these summary columns:\n\n";
  markdown_table(out, {sim::kv_tier_metrics::all().begin(), sim::kv_tier_metrics::all().end()});
  out +=
      "\nDerived columns of `requests`, after the recorded ones (the summary's latencies aggregate these "
      "values over finished requests):\n\n";
  markdown_table(out, requests);
  std::vector<const sim::MetricDefinition*> steps;
  for (const auto& m : sim::timeseries_metrics()) steps.push_back(&m.definition);
  out +=
      "\nStep cost columns of `timeseries`, after the recorded ones (the sampled iteration as the cost model "
      "priced it):\n\n";
  markdown_table(out, steps);
  return out;
}

}  // namespace moelab::cli
