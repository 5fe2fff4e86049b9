#include "lab/cli/list_topics.hpp"

namespace moelab::cli {

const std::vector<ListTopic>& list_topics() {
  static const std::vector<ListTopic> topics = {
      {"models", "model architectures in data/models ([model] id)", list_models},
      {"hardware", "accelerators in data/hardware ([hardware] id)", list_hardware},
      {"engines", "serving engines in data/engines ([engine] id)", list_engines},
      {"policies", "simulator policies: kv cache, scheduler, router", list_policies},
      {"workloads", "workload kinds ([workload] kind)", list_workloads},
      {"costs", "cost models ([costs.<name>] kind), rental tiers per GPU, owned server types", list_costs},
      {"variants", "kernel ops, their shape presets and variants (moelab ab)", list_variants},
      {"metrics", "result metrics: dataset, type, unit, definition (lab/h5/SCHEMA.md)", list_metrics, metrics_markdown},
  };
  return topics;
}

std::string markdown_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string entries_markdown(const std::vector<ListEntry>& entries) {
  std::string out = "| name | description |\n|---|---|\n";
  for (const auto& e : entries) {
    const auto start = e.name.find_first_not_of(' ');  // list_variants indents variants under their op
    out += "| `" + e.name.substr(start == std::string::npos ? 0 : start) + "` | " + markdown_escape(e.description) +
           " |\n";
  }
  return out;
}

}  // namespace moelab::cli
