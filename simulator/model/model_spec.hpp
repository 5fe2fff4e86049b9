#pragma once
// Architecture of a transformer LLM as the cost model needs it. Filled from data/models/<id>.toml
// (lab/config/spec_loaders.cpp); every published number there carries its source.
#include <cstdint>
#include <string>

namespace moelab::sim {

// gqa: grouped-query attention (MHA when n_kv_heads == n_heads).
// mla: multi-head latent attention (DeepSeek-V2/V3, Kimi K2).
// csa: DeepSeek-V4's compressed sparse attention, APPROXIMATED as one shared K=V head of
//      head_dim per layer, low-rank queries, a grouped low-rank output projection and a KV cache
//      reduced by kv_context_fraction (see data/models/deepseek-v4-*.toml for what is left out).
enum class AttentionKind { gqa, mla, csa };

// Multi-head latent attention (DeepSeek-V2/V3, Kimi K2): KV is cached as a compressed latent.
struct MlaDims {
  std::int64_t q_lora_rank = 0;  // 0 = queries are not low-rank compressed
  std::int64_t kv_lora_rank = 0;
  std::int64_t qk_rope_head_dim = 0;
  std::int64_t qk_nope_head_dim = 0;
  std::int64_t v_head_dim = 0;
};

// DeepSeek-V4 (csa): grouped low-rank output projection. o_groups groups of heads each map
// (n_heads / o_groups) * head_dim -> o_lora_rank; one matrix maps o_groups * o_lora_rank -> d_model.
struct OutputLoraDims {
  std::int64_t o_lora_rank = 0;
  std::int64_t o_groups = 0;
};

struct MoeDims {
  std::int64_t n_routed_experts = 0;  // 0 = dense model
  std::int64_t n_shared_experts = 0;
  std::int64_t experts_per_token = 0;  // top-k
  std::int64_t expert_ffn_dim = 0;     // intermediate width of one expert (SwiGLU)
  std::int64_t n_dense_layers = 0;     // leading layers with a dense FFN (DeepSeek-V3: 3)
  std::int64_t n_expert_groups = 1;    // group-limited routing (DeepSeek-V3: 8 groups, top-4)
  std::int64_t topk_groups = 1;
};

struct ModelSpec {
  std::string id;             // file stem in data/models, e.g. "llama-3.1-8b"
  std::string display_name;   // "Llama-3.1-8B"
  std::string source;         // where the architecture numbers come from
  bool hypothetical = false;  // a configuration nobody has published (said so in its file)

  std::int64_t d_model = 0;
  std::int64_t n_layers = 0;
  std::int64_t vocab_size = 0;
  bool tied_embeddings = false;

  AttentionKind attention = AttentionKind::gqa;
  std::int64_t n_heads = 0;
  std::int64_t n_kv_heads = 0;  // GQA; equals n_heads for MHA
  std::int64_t head_dim = 0;    // GQA head dim
  MlaDims mla;                  // mla; csa uses mla.q_lora_rank only
  OutputLoraDims o_lora;        // csa only

  std::int64_t dense_ffn_dim = 0;  // SwiGLU intermediate width of dense layers
  MoeDims moe;

  double published_total_params = 0;   // as published, for the 2% check
  double published_active_params = 0;  // per token; equals total for dense models
  // Publishers count "active" differently: Qwen and Mistral include the input-embedding table,
  // DeepSeek, Moonshot and OpenAI do not. The parameter check follows each file's convention.
  bool published_active_includes_input_embedding = true;
  bool architecture_approximate = false;  // the file cannot express the published architecture exactly

  double weight_bytes_per_param = 2.0;       // BF16 = 2, FP8 = 1, INT4 ~ 0.5 + scales
  double expert_weight_bytes_per_param = 0;  // routed/shared experts; 0 = weight_bytes_per_param
  double kv_bytes_per_element = 2.0;         // BF16 KV = 2, FP8 KV = 1
  // Share of the full per-layer KV kept per context token, averaged over layers (1 = every layer
  // keeps all of it). Below 1 for sliding-window or compressed layers; bounded window terms are
  // ignored. Scales KV bytes and attention work over context alike.
  double kv_context_fraction = 1.0;
  std::int64_t max_context_tokens = 0;

  bool is_moe() const { return moe.n_routed_experts > 0; }
  double expert_bytes_per_param() const {
    return expert_weight_bytes_per_param > 0 ? expert_weight_bytes_per_param : weight_bytes_per_param;
  }
  std::int64_t n_moe_layers() const { return is_moe() ? n_layers - moe.n_dense_layers : 0; }
};

}  // namespace moelab::sim
