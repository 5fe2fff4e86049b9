#include "lab/cli/list_topics.hpp"

namespace moelab::cli {

const std::vector<ListTopic>& list_topics() {
  static const std::vector<ListTopic> topics = {
      {"models", "model architectures in data/models ([model] id)", list_models},
      {"hardware", "accelerators in data/hardware ([hardware] id)", list_hardware},
      {"engines", "serving engines in data/engines ([engine] id)", list_engines},
      {"policies", "simulator policies: kv cache, scheduler, router", list_policies},
      {"workloads", "workload kinds ([workload] kind)", list_workloads},
      {"variants", "kernel ops, their shape presets and variants (moelab ab)", list_variants},
  };
  return topics;
}

}  // namespace moelab::cli
