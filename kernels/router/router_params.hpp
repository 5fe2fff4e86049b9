#pragma once
// Raw-pointer problem descriptions for the MoE router kernels (ref, kokkos, cuda). Free of
// harness headers so .cu files include it cheaply.
//
// router.topk    logits [tokens x experts] fp32 (row-major), bias [experts] fp32 (sigmoid only)
//                -> topk_ids [tokens x k] int32, topk_weights [tokens x k] fp32.
//                Slot j of a token holds its j-th best expert: descending selection score,
//                equal scores -> lower expert index first (every variant, so ids match exactly).
// router.permute topk_ids [tokens*k] (assignment a = token*k + slot)
//                -> sorted_assignments [tokens*k] (assignments grouped by expert, ascending expert),
//                   expert_offsets [experts+1] (exclusive prefix sum of tokens per expert),
//                   inverse [tokens*k] (sorted_assignments[inverse[a]] == a).
//                Stable variants keep ascending assignment order inside each expert.
// router.combine expert_out [tokens*k x hidden] bf16 rows in sorted (permuted) order,
//                inverse [tokens*k], topk_weights [tokens*k] fp32
//                -> out [tokens x hidden] bf16: out[t] = sum_j w[t,j] * expert_out[inverse[t*k+j]],
//                fp32 accumulation.
#include <cstdint>

namespace moelab::kernels::router {

enum class Scoring : int {
  softmax = 0,  // Mixtral / Qwen3: softmax over all experts, top-k on logits (softmax is monotone)
  sigmoid = 1,  // DeepSeek-V3 / Kimi-K2: sigmoid scores, bias for selection only, group-limited top-k
};

struct TopkParams {
  const float* logits = nullptr;  // [tokens x experts]
  const float* bias = nullptr;    // [experts], sigmoid scoring only (may be null for softmax)
  std::int32_t* topk_ids = nullptr;
  float* topk_weights = nullptr;
  int tokens = 0;
  int experts = 0;
  int k = 0;
  Scoring scoring = Scoring::softmax;
  bool renormalize = true;   // weights / sum over the chosen k (Mixtral; Qwen3 norm_topk_prob)
  int n_group = 1;           // sigmoid: experts split into n_group equal groups
  int topk_group = 1;        // sigmoid: groups kept, ranked by the sum of their top-2 biased scores
  float routed_scaling = 1;  // sigmoid: weights multiplied by this (DeepSeek-V3: 2.5)
};

struct PermuteParams {
  const std::int32_t* topk_ids = nullptr;  // [assignments]
  std::int32_t* sorted_assignments = nullptr;
  std::int32_t* expert_offsets = nullptr;  // [experts + 1]
  std::int32_t* inverse = nullptr;
  int assignments = 0;  // tokens * k
  int experts = 0;
};

struct CombineParams {
  const std::uint16_t* expert_out = nullptr;  // bf16 bits [assignments x hidden], sorted order
  const std::int32_t* inverse = nullptr;      // [tokens * k]
  const float* topk_weights = nullptr;        // [tokens * k]
  std::uint16_t* out = nullptr;               // bf16 bits [tokens x hidden]
  int tokens = 0;
  int k = 0;
  int hidden = 0;
};

}  // namespace moelab::kernels::router
