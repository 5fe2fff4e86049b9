#pragma once
// A serving engine as data (data/engines/<id>.toml): batching limits, KV cache policy,
// scheduling, overheads and kernel efficiencies, each with a source or a stated assumption.
#include <cstdint>
#include <string>

#include "simulator/model/kernel_profile.hpp"
#include "simulator/model/op_times.hpp"

namespace moelab::sim {

struct EngineSpec {
  std::string id;  // "baseline", "vllm", "sglang"
  std::string display_name;
  std::string source;

  std::int64_t max_num_seqs = 256;         // running sequences per replica
  std::int64_t max_batched_tokens = 8192;  // tokens per iteration (prefill chunks + decodes)
  bool chunked_prefill = true;
  std::int64_t kv_block_tokens = 16;    // paged KV block size
  double gpu_memory_utilization = 0.9;  // share of HBM for weights + KV; the rest is reserve

  double step_overhead_s = 0;        // CPU time per iteration (scheduling, sampling, launch)
  bool overhead_overlapped = false;  // true: CPU work hides behind the previous step's GPU work

  // Achieved fraction of peak, per operator class (roofline efficiencies).
  double matmul_efficiency = 0.7;
  double attention_efficiency = 0.6;
  double memory_efficiency = 0.8;

  std::string cost_model = "roofline";  // instance cost model name (moelab list policies)
  // Multi-token prediction (speculative decoding with MTP modules): each decode step verifies
  // mtp_draft_tokens drafts per sequence, each accepted with mtp_acceptance_rate given the ones
  // before it, so a sequence gains 1 + a + ... + a^d tokens per step on average (0 = off).
  std::int64_t mtp_draft_tokens = 0;
  double mtp_acceptance_rate = 0;
  double mtp_tokens_per_step() const {
    double tokens = 1, p = 1;
    for (std::int64_t i = 0; i < mtp_draft_tokens; ++i) tokens += (p *= mtp_acceptance_rate);
    return tokens;
  }
  std::string overlap = "none";  // computation/communication overlap policy (moelab list policies)
  KernelProfile kernels;         // per-kernel-class efficiencies (engine.kernel_profile); empty = the flat ones above
  OpTimes op_times;              // measured op times per class ([op_times]); none = analytic

  // MoE dispatch/combine (expert parallelism). Modes: "normal" (throughput kernels, prefill),
  // "low_latency" (decode kernels), "auto" (low_latency for steps without prefill, as SGLang's
  // DeepEP auto mode). Bytes per hidden element on the wire: 2 for BF16; FP8 with one float32
  // scale per 128 elements is 1 + 4/128.
  std::string a2a_mode = "auto";
  double dispatch_bytes_per_element = 2.0;
  double combine_bytes_per_element = 2.0;
  std::string cache_policy = "none";  // kv-cache policy name (moelab list policies)
  std::string scheduler = "fcfs";     // scheduling policy name
};

}  // namespace moelab::sim
