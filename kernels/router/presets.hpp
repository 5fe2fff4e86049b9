#pragma once
// Router shapes of real models (sources: /work/shared/facts/models.md rows and each model's
// config.json; routed_scaling and group counts from the configs named below).
#include <string>
#include <vector>

namespace moelab::kernels::router {

struct RouterModel {
  std::string name;
  int experts;
  int k;
  bool sigmoid;      // false: softmax
  bool renormalize;  // Mixtral renormalises over top-k; Qwen3 norm_topk_prob; DeepSeek norm_topk_prob
  int n_group;
  int topk_group;
  double routed_scaling;
  int hidden;  // d_model (combine rows)
};

// deepseek-v3: config_671B.json (n_routed_experts 256, n_group 8, topk_group 4, sigmoid, bias,
//              routed_scaling_factor 2.5, norm_topk_prob true)
// kimi-k2: DeepSeek-V3 architecture with 384 experts, n_group 1, topk_group 1,
//          routed_scaling_factor 2.827 (Kimi-K2 config.json; unverified here)
// qwen3-30b-a3b / qwen3-235b-a22b: 128 experts, top-8, softmax, norm_topk_prob true
// mixtral-8x7b: 8 experts, top-2, softmax over the top-2 logits (= renormalised)
// gpt-oss-120b: 128 experts, top-4, softmax over the top-4 logits (= renormalised)
const std::vector<RouterModel>& router_models();
std::vector<std::string> router_model_names();

}  // namespace moelab::kernels::router
