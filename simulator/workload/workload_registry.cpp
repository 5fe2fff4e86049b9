// The workload-kind registry: one declaration and one table line per kind.
#include "simulator/workload/workload_registry.hpp"

namespace moelab::sim {

std::shared_ptr<WorkloadParams> read_synthetic_workload(TableReader& workload);      // synthetic_workload.cpp
std::shared_ptr<WorkloadParams> read_mooncake_workload(TableReader& workload);       // mooncake_trace.cpp
std::shared_ptr<WorkloadParams> read_csv_workload(TableReader& workload);            // csv_trace.cpp
std::shared_ptr<WorkloadParams> read_chat_workload(TableReader& workload);           // chat_workload.cpp
std::shared_ptr<WorkloadParams> read_rag_workload(TableReader& workload);            // rag_workload.cpp
std::shared_ptr<WorkloadParams> read_shared_prefix_workload(TableReader& workload);  // shared_prefix_workload.cpp

namespace {
const WorkloadKind kKinds[] = {
    {"synthetic", "open-loop arrivals with sampled prompt/output lengths, no content ids", &read_synthetic_workload},
    {"mooncake", "replay of a Mooncake FAST'25 JSONL trace (hash_ids as 512-token content ids)", &read_mooncake_workload},
    {"csv", "replay of a Vidur-style CSV trace (arrived_at, num_prefill_tokens, num_decode_tokens)", &read_csv_workload},
    {"chat", "closed-loop multi-turn sessions; each prompt is the whole history plus a new message", &read_chat_workload},
    {"rag", "system prompt + k Zipf-popular documents + a question", &read_rag_workload},
    {"shared_prefix", "one of a few fixed prefixes (system prompt / few-shot) + a unique suffix", &read_shared_prefix_workload},
};
}  // namespace

std::span<const WorkloadKind> workload_registry() { return kKinds; }

const WorkloadKind& find_workload_kind(std::string_view name) { return find_kind(workload_registry(), name, "workload.kind"); }

std::vector<std::string> workload_kinds() { return kind_names(workload_registry()); }

}  // namespace moelab::sim
