// `moelab list workloads`: the workload kinds the simulator can generate or replay, then the
// length distributions and arrival processes their keys can name.
#include "lab/cli/list_topics.hpp"
#include "simulator/workload/arrival_process.hpp"
#include "simulator/workload/length_distribution.hpp"
#include "simulator/workload/workload_registry.hpp"

namespace moelab::cli {

std::vector<ListEntry> list_workloads() {
  std::vector<ListEntry> out;
  for (const auto& k : sim::workload_registry().entries()) out.push_back({k.name, k.description});
  for (const auto& k : sim::length_distribution_registry().entries()) {
    out.push_back({k.name, std::string("length (prompt_tokens, output_tokens, ...): ") + k.description});
  }
  for (const auto& k : sim::arrival_process_registry().entries()) {
    out.push_back({k.name, std::string("arrivals: ") + k.description});
  }
  return out;
}

}  // namespace moelab::cli
