#include "simulator/model/param_count.hpp"

namespace moelab::sim {
namespace {

double d(std::int64_t v) { return static_cast<double>(v); }

// Projection weights + the attention-input RMSNorm of one layer.
double attention_params(const ModelSpec& m) {
  const double dm = d(m.d_model);
  const double h = d(m.n_heads);
  switch (m.attention) {
    case AttentionKind::gqa: {
      const double q = dm * h * d(m.head_dim);
      const double kv = 2.0 * dm * d(m.n_kv_heads) * d(m.head_dim);
      const double o = h * d(m.head_dim) * dm;
      return q + kv + o + dm;
    }
    case AttentionKind::mla: {
      const auto& a = m.mla;
      const double qk_head = d(a.qk_nope_head_dim + a.qk_rope_head_dim);
      // Queries: d -> q_lora (+ its norm) -> heads x (nope + rope), or directly d -> heads.
      const double q = a.q_lora_rank > 0 ? dm * d(a.q_lora_rank) + d(a.q_lora_rank) + d(a.q_lora_rank) * h * qk_head
                                         : dm * h * qk_head;
      // Keys/values: d -> latent (kv_lora) + shared rope key; latent norm; latent -> heads x (nope + v).
      const double kv_down = dm * d(a.kv_lora_rank + a.qk_rope_head_dim) + d(a.kv_lora_rank);
      const double kv_up = d(a.kv_lora_rank) * h * d(a.qk_nope_head_dim + a.v_head_dim);
      const double o = h * d(a.v_head_dim) * dm;
      return q + kv_down + kv_up + o + dm;
    }
    case AttentionKind::csa: {
      const double hd = d(m.head_dim);
      const double q_lora = d(m.mla.q_lora_rank);
      const double q = dm * q_lora + q_lora + q_lora * h * hd;
      const double kv = dm * hd * d(m.n_kv_heads) + hd;  // one shared K=V head (+ its norm)
      // Grouped low-rank output: each group maps its heads' outputs to o_lora_rank, then one
      // matrix maps all groups' o_lora_rank outputs to d_model.
      const double o = h * hd * d(m.o_lora.o_lora_rank) + d(m.o_lora.o_groups * m.o_lora.o_lora_rank) * dm;
      return q + kv + o + dm;
    }
  }
  return 0.0;
}

}  // namespace

double ParamCounts::total() const {
  return input_embedding + lm_head + norms_total() + attention_total() + dense_ffn_total() + router_total() +
         experts_total();
}

double ParamCounts::active(bool include_input_embedding) const {
  // A tied LM head is the embedding table itself, and every token multiplies by it.
  const double head = lm_head > 0 ? lm_head : input_embedding;
  const double embed = (include_input_embedding && lm_head > 0) ? input_embedding : 0.0;
  const double chosen = expert * static_cast<double>((experts_per_token + n_shared_experts) * n_moe_layers);
  return embed + head + norms_total() + attention_total() + dense_ffn_total() + router_total() + chosen;
}

double ParamCounts::non_expert() const { return total() - experts_total(); }

ParamCounts count_params(const ModelSpec& m) {
  ParamCounts c;
  const double dm = d(m.d_model);
  c.input_embedding = d(m.vocab_size) * dm;
  c.lm_head = m.tied_embeddings ? 0.0 : d(m.vocab_size) * dm;
  c.final_norm = dm;
  c.attention_per_layer = attention_params(m);
  c.ffn_norm_per_layer = dm;
  c.n_layers = m.n_layers;
  c.n_moe_layers = m.n_moe_layers();
  c.n_dense_layers = m.n_layers - c.n_moe_layers;
  c.dense_ffn_per_layer = 3.0 * dm * d(m.dense_ffn_dim);  // SwiGLU: gate, up, down
  if (m.is_moe()) {
    c.expert = 3.0 * dm * d(m.moe.expert_ffn_dim);
    c.router_per_layer = dm * d(m.moe.n_routed_experts);
    c.n_routed_experts = m.moe.n_routed_experts;
    c.n_shared_experts = m.moe.n_shared_experts;
    c.experts_per_token = m.moe.experts_per_token;
  }
  return c;
}

double weight_bytes(const ModelSpec& m) {
  const ParamCounts c = count_params(m);
  return c.non_expert() * m.weight_bytes_per_param + c.experts_total() * m.expert_bytes_per_param();
}

double kv_elements_per_token_per_layer(const ModelSpec& m) {
  switch (m.attention) {
    case AttentionKind::gqa:
      return 2.0 * d(m.n_kv_heads) * d(m.head_dim);
    case AttentionKind::mla:
      return d(m.mla.kv_lora_rank + m.mla.qk_rope_head_dim);
    case AttentionKind::csa:
      return d(m.n_kv_heads) * d(m.head_dim);
  }
  return 0.0;
}

double kv_bytes_per_token_full(const ModelSpec& m) {
  return kv_elements_per_token_per_layer(m) * d(m.n_layers) * m.kv_bytes_per_element;
}

double kv_bytes_per_token(const ModelSpec& m) { return kv_bytes_per_token_full(m) * m.kv_context_fraction; }

}  // namespace moelab::sim
