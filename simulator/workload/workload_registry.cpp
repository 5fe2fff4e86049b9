#include "simulator/workload/workload_registry.hpp"

#include "simulator/workload/spec_check.hpp"
#include "simulator/workload/workload_factories.hpp"

namespace moelab::sim {

const std::vector<WorkloadKind>& workload_registry() {
  static const std::vector<WorkloadKind> kinds = {
      {"synthetic", "open-loop arrivals with sampled prompt/output lengths, no content ids", make_synthetic_workload},
      {"mooncake", "replay of a Mooncake FAST'25 JSONL trace (hash_ids as 512-token content ids)", make_trace_workload},
      {"csv", "replay of a Vidur-style CSV trace (arrived_at, num_prefill_tokens, num_decode_tokens)", make_trace_workload},
      {"chat", "closed-loop multi-turn sessions; each prompt is the whole history plus a new message", make_chat_workload},
      {"rag", "system prompt + k Zipf-popular documents + a question", make_rag_workload},
      {"shared_prefix", "one of a few fixed prefixes (system prompt / few-shot) + a unique suffix", make_shared_prefix_workload},
  };
  return kinds;
}

std::vector<std::string> workload_kinds() {
  std::vector<std::string> names;
  for (const auto& k : workload_registry()) names.push_back(k.name);
  return names;
}

std::unique_ptr<Workload> make_workload(const WorkloadSpec& spec, std::uint64_t seed) {
  require_valid_workload(spec);
  for (const auto& k : workload_registry()) {
    if (k.name == spec.kind) return k.make(spec, seed);
  }
  return nullptr;  // unreachable: require_valid_workload checked the kind
}

}  // namespace moelab::sim
