// data/models/<id>.toml -> sim::ModelSpec. The format is documented in data/README.md.
#include <fmt/format.h>

#include "lab/config/key_ranges.hpp"
#include "lab/config/spec_fill.hpp"

namespace moelab::config::detail {

namespace {
using ST = StrictTable;

void read_attention(SpecReader& r, sim::ModelSpec& m) {
  const auto kind = r.get(&ST::choice, "attention", std::vector<std::string>{"gqa", "mla", "csa"});
  m.n_heads = r.get(&ST::integer_in, "n_heads", ranges::kHeads);
  if (kind == "gqa") {
    m.attention = sim::AttentionKind::gqa;
    m.n_kv_heads = r.get(&ST::integer_in, "n_kv_heads", ranges::kHeads);
    m.head_dim = r.get(&ST::integer_in, "head_dim", ranges::kModelWidth);
    if (m.n_kv_heads > m.n_heads || m.n_heads % m.n_kv_heads != 0) {
      r.fail("n_kv_heads", fmt::format("must divide n_heads ({}), got {}", m.n_heads, m.n_kv_heads));
    }
  } else if (kind == "mla") {
    m.attention = sim::AttentionKind::mla;
    m.n_kv_heads = m.n_heads;  // every head attends to the shared latent
    m.mla.q_lora_rank = r.get(&ST::integer_in_or, "q_lora_rank", ranges::kModelWidthOrNone, 0);
    m.mla.kv_lora_rank = r.get(&ST::integer_in, "kv_lora_rank", ranges::kModelWidth);
    m.mla.qk_rope_head_dim = r.get(&ST::integer_in, "qk_rope_head_dim", ranges::kModelWidth);
    m.mla.qk_nope_head_dim = r.get(&ST::integer_in, "qk_nope_head_dim", ranges::kModelWidth);
    m.mla.v_head_dim = r.get(&ST::integer_in, "v_head_dim", ranges::kModelWidth);
  } else {
    m.attention = sim::AttentionKind::csa;
    m.n_kv_heads = r.get(&ST::integer_in, "n_kv_heads", ranges::kHeads);
    m.head_dim = r.get(&ST::integer_in, "head_dim", ranges::kModelWidth);
    m.mla.q_lora_rank = r.get(&ST::integer_in, "q_lora_rank", ranges::kModelWidth);
    m.o_lora.o_lora_rank = r.get(&ST::integer_in, "o_lora_rank", ranges::kModelWidth);
    m.o_lora.o_groups = r.get(&ST::integer_in, "o_groups", ranges::kHeads);
    if (m.n_kv_heads != 1) r.fail("n_kv_heads", "csa is modelled with one shared K=V head; must be 1");
    if (m.n_heads % m.o_lora.o_groups != 0) {
      r.fail("o_groups", fmt::format("must divide n_heads ({}), got {}", m.n_heads, m.o_lora.o_groups));
    }
  }
}

void read_ffn(SpecReader& r, sim::ModelSpec& m) {
  m.moe.n_routed_experts = r.get(&ST::integer_in_or, "n_routed_experts", ranges::kExperts, 0);
  if (m.is_moe()) {
    m.moe.experts_per_token = r.get(&ST::integer_in, "experts_per_token", ranges::kExpertsPositive);
    m.moe.expert_ffn_dim = r.get(&ST::integer_in, "expert_ffn_dim", ranges::kModelWidth);
    m.moe.n_shared_experts = r.get(&ST::integer_in_or, "n_shared_experts", ranges::kExpertsOrNone, 0);
    m.moe.n_dense_layers = r.get(&ST::integer_in_or, "n_dense_layers", ranges::kLayersOrNone, 0);
    m.moe.n_expert_groups = r.get(&ST::integer_in_or, "n_expert_groups", ranges::kExpertsPositive, 1);
    m.moe.topk_groups = r.get(&ST::integer_in_or, "topk_groups", ranges::kExpertsPositive, 1);
    m.expert_weight_bytes_per_param =
        r.get(&ST::number_in_or, "expert_weight_bytes_per_param", ranges::kBytesPerElement, 0.0);
    if (m.moe.experts_per_token > m.moe.n_routed_experts) {
      r.fail("experts_per_token", fmt::format("must be <= n_routed_experts ({})", m.moe.n_routed_experts));
    }
    if (m.moe.n_dense_layers >= m.n_layers) {
      r.fail("n_dense_layers", fmt::format("must be < n_layers ({})", m.n_layers));
    }
    if (m.moe.topk_groups > m.moe.n_expert_groups) {
      r.fail("topk_groups", fmt::format("must be <= n_expert_groups ({})", m.moe.n_expert_groups));
    }
    if (m.moe.n_routed_experts % m.moe.n_expert_groups != 0) {
      r.fail("n_expert_groups", fmt::format("must divide n_routed_experts ({})", m.moe.n_routed_experts));
    }
  }
  if (!m.is_moe() || m.moe.n_dense_layers > 0) {
    m.dense_ffn_dim = r.get(&ST::integer_in, "dense_ffn_dim", ranges::kModelWidth);
  }
}

}  // namespace

sim::ModelSpec read_model(SpecReader& r, const std::string& id) {
  sim::ModelSpec m;
  m.id = id;
  m.display_name = r.get(&ST::string, "display_name");
  m.hypothetical = r.get(&ST::boolean_or, "hypothetical", false);
  m.architecture_approximate = r.get(&ST::boolean_or, "architecture_approximate", false);

  m.d_model = r.get(&ST::integer_in, "d_model", ranges::kModelWidth);
  m.n_layers = r.get(&ST::integer_in, "n_layers", ranges::kLayers);
  m.vocab_size = r.get(&ST::integer_in, "vocab_size", ranges::kVocab);
  m.tied_embeddings = r.get(&ST::boolean_or, "tied_embeddings", false);
  read_attention(r, m);
  read_ffn(r, m);

  m.published_total_params = 1e9 * r.get(&ST::number_in, "published_total_params_billion", ranges::kBillionParams);
  if (m.is_moe()) {
    m.published_active_params = 1e9 * r.get(&ST::number_in, "published_active_params_billion", ranges::kBillionParams);
    m.published_active_includes_input_embedding = r.get(&ST::boolean, "published_active_includes_input_embedding");
  } else {
    m.published_active_params = m.published_total_params;  // dense: every parameter is active
    m.published_active_includes_input_embedding = true;
  }

  m.weight_bytes_per_param = r.get(&ST::number_in, "weight_bytes_per_param", ranges::kBytesPerElement);
  m.kv_bytes_per_element = r.get(&ST::number_in, "kv_bytes_per_element", ranges::kBytesPerElement);
  m.kv_context_fraction = r.get(&ST::number_in_or, "kv_context_fraction", ranges::kFraction, 1.0);
  m.max_context_tokens = r.get(&ST::integer_in_or, "max_context_tokens", ranges::kTokensOrNone, 0);
  m.source = describe_source(r);
  return m;
}

}  // namespace moelab::config::detail
