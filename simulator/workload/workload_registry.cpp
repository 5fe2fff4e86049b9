// The workload-kind registry: one declaration and one table line per kind.
#include "simulator/workload/workload_registry.hpp"

namespace moelab::sim {

ReadWorkload read_synthetic_workload;      // synthetic_workload.cpp
ReadWorkload read_mooncake_workload;       // mooncake_trace.cpp
ReadWorkload read_csv_workload;            // csv_trace.cpp
ReadWorkload read_chat_workload;           // chat_workload.cpp
ReadWorkload read_rag_workload;            // rag_workload.cpp
ReadWorkload read_shared_prefix_workload;  // shared_prefix_workload.cpp

const NamedRegistry<ReadWorkload>& workload_registry() {
  static const NamedRegistry<ReadWorkload> registry(
      "workload.kind", "workload kind",
      {
          {"synthetic", "open-loop arrivals with sampled prompt/output lengths, no content ids",
           read_synthetic_workload},
          {"mooncake", "replay of a Mooncake FAST'25 JSONL trace (hash_ids as 512-token content ids)",
           read_mooncake_workload},
          {"csv", "replay of a Vidur-style CSV trace (arrived_at, num_prefill_tokens, num_decode_tokens)",
           read_csv_workload},
          {"chat", "closed-loop multi-turn sessions; each prompt is the whole history plus a new message",
           read_chat_workload},
          {"rag", "system prompt + k Zipf-popular documents + a question", read_rag_workload},
          {"shared_prefix", "one of a few fixed prefixes (system prompt / few-shot) + a unique suffix",
           read_shared_prefix_workload},
      });
  return registry;
}

}  // namespace moelab::sim
