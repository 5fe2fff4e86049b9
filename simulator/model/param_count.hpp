#pragma once
// Parameter counts from the architecture alone (no checkpoint), and the per-token KV footprint.
// Counted: embeddings, LM head (unless tied), attention projections (GQA; MLA with its low-rank
// q/kv projections and latent norms; V4-style csa), dense and MoE SwiGLU FFNs (routed + shared
// experts), router weights, RMSNorm weights. Left out: biases and small extras a file names in its
// [notes] (q/k norms, attention sinks, indexers), multi-token-prediction modules.
#include <cstdint>

#include "simulator/model/model_spec.hpp"

namespace moelab::sim {

struct ParamCounts {
  double input_embedding = 0;  // vocab x d_model
  double lm_head = 0;          // vocab x d_model; 0 when tied to the input embedding
  double final_norm = 0;
  double attention_per_layer = 0;  // projections + attention norms
  double ffn_norm_per_layer = 0;
  double dense_ffn_per_layer = 0;  // one dense SwiGLU FFN
  double expert = 0;               // one routed (or shared) expert
  double router_per_layer = 0;     // gate weights of one MoE layer
  std::int64_t n_layers = 0;
  std::int64_t n_dense_layers = 0;  // layers with a dense FFN
  std::int64_t n_moe_layers = 0;
  std::int64_t n_routed_experts = 0;
  std::int64_t n_shared_experts = 0;
  std::int64_t experts_per_token = 0;

  double attention_total() const { return attention_per_layer * static_cast<double>(n_layers); }
  double routed_experts_total() const { return expert * static_cast<double>(n_routed_experts * n_moe_layers); }
  double shared_experts_total() const { return expert * static_cast<double>(n_shared_experts * n_moe_layers); }
  double dense_ffn_total() const { return dense_ffn_per_layer * static_cast<double>(n_dense_layers); }
  double router_total() const { return router_per_layer * static_cast<double>(n_moe_layers); }
  double norms_total() const { return ffn_norm_per_layer * static_cast<double>(n_layers) + final_norm; }

  // Everything the model holds.
  double total() const;
  // Parameters one token uses: all but the routed experts it does not choose. Whether the
  // input-embedding table (a lookup, not a matmul) counts is the publisher's convention.
  double active(bool include_input_embedding) const;
  // Everything except expert weights (held at the model's non-expert precision).
  double non_expert() const;
  double experts_total() const { return routed_experts_total() + shared_experts_total(); }
};

ParamCounts count_params(const ModelSpec& model);

// Weights of one replica in bytes (experts at their own precision).
double weight_bytes(const ModelSpec& model);

// KV elements one token adds per layer with every layer keeping full KV:
// GQA 2 * n_kv_heads * head_dim; MLA kv_lora_rank + qk_rope_head_dim; csa head_dim (K = V).
double kv_elements_per_token_per_layer(const ModelSpec& model);
// Bytes per token over all layers, every layer keeping full KV (the facts' KV B/tok column).
double kv_bytes_per_token_full(const ModelSpec& model);
// Bytes per token actually stored: full x kv_context_fraction (sliding / compressed layers).
double kv_bytes_per_token(const ModelSpec& model);

}  // namespace moelab::sim
