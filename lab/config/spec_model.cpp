// data/models/<id>.toml -> sim::ModelSpec. The format is documented in data/README.md.
#include <fmt/format.h>

#include "lab/config/spec_fill.hpp"

namespace moelab::config::detail {

namespace {
using ST = StrictTable;

void read_attention(SpecReader& r, sim::ModelSpec& m) {
  const auto kind = r.get(&ST::choice, "attention", std::vector<std::string>{"gqa", "mla", "csa"});
  m.n_heads = r.get(&ST::positive_integer, "n_heads");
  if (kind == "gqa") {
    m.attention = sim::AttentionKind::gqa;
    m.n_kv_heads = r.get(&ST::positive_integer, "n_kv_heads");
    m.head_dim = r.get(&ST::positive_integer, "head_dim");
    if (m.n_kv_heads > m.n_heads || m.n_heads % m.n_kv_heads != 0) {
      r.fail("n_kv_heads", fmt::format("must divide n_heads ({}), got {}", m.n_heads, m.n_kv_heads));
    }
  } else if (kind == "mla") {
    m.attention = sim::AttentionKind::mla;
    m.n_kv_heads = m.n_heads;  // every head attends to the shared latent
    m.mla.q_lora_rank = r.get(&ST::non_negative_integer_or, "q_lora_rank", 0);
    m.mla.kv_lora_rank = r.get(&ST::positive_integer, "kv_lora_rank");
    m.mla.qk_rope_head_dim = r.get(&ST::positive_integer, "qk_rope_head_dim");
    m.mla.qk_nope_head_dim = r.get(&ST::positive_integer, "qk_nope_head_dim");
    m.mla.v_head_dim = r.get(&ST::positive_integer, "v_head_dim");
  } else {
    m.attention = sim::AttentionKind::csa;
    m.n_kv_heads = r.get(&ST::positive_integer, "n_kv_heads");
    m.head_dim = r.get(&ST::positive_integer, "head_dim");
    m.mla.q_lora_rank = r.get(&ST::positive_integer, "q_lora_rank");
    m.o_lora.o_lora_rank = r.get(&ST::positive_integer, "o_lora_rank");
    m.o_lora.o_groups = r.get(&ST::positive_integer, "o_groups");
    if (m.n_kv_heads != 1) r.fail("n_kv_heads", "csa is modelled with one shared K=V head; must be 1");
    if (m.n_heads % m.o_lora.o_groups != 0) {
      r.fail("o_groups", fmt::format("must divide n_heads ({}), got {}", m.n_heads, m.o_lora.o_groups));
    }
  }
}

void read_ffn(SpecReader& r, sim::ModelSpec& m) {
  m.moe.n_routed_experts = r.get(&ST::non_negative_integer_or, "n_routed_experts", 0);
  if (m.is_moe()) {
    m.moe.experts_per_token = r.get(&ST::positive_integer, "experts_per_token");
    m.moe.expert_ffn_dim = r.get(&ST::positive_integer, "expert_ffn_dim");
    m.moe.n_shared_experts = r.get(&ST::non_negative_integer_or, "n_shared_experts", 0);
    m.moe.n_dense_layers = r.get(&ST::non_negative_integer_or, "n_dense_layers", 0);
    m.moe.n_expert_groups = r.get(&ST::positive_integer_or, "n_expert_groups", 1);
    m.moe.topk_groups = r.get(&ST::positive_integer_or, "topk_groups", 1);
    m.expert_weight_bytes_per_param = r.get(&ST::positive_number_or, "expert_weight_bytes_per_param", 0.0);
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
    m.dense_ffn_dim = r.get(&ST::positive_integer, "dense_ffn_dim");
  }
}

}  // namespace

sim::ModelSpec read_model(SpecReader& r, const std::string& id) {
  sim::ModelSpec m;
  m.id = id;
  m.display_name = r.get(&ST::string, "display_name");
  m.hypothetical = r.get(&ST::boolean_or, "hypothetical", false);
  m.architecture_approximate = r.get(&ST::boolean_or, "architecture_approximate", false);

  m.d_model = r.get(&ST::positive_integer, "d_model");
  m.n_layers = r.get(&ST::positive_integer, "n_layers");
  m.vocab_size = r.get(&ST::positive_integer, "vocab_size");
  m.tied_embeddings = r.get(&ST::boolean_or, "tied_embeddings", false);
  read_attention(r, m);
  read_ffn(r, m);

  m.published_total_params = 1e9 * r.get(&ST::positive_number, "published_total_params_billion");
  if (m.is_moe()) {
    m.published_active_params = 1e9 * r.get(&ST::positive_number, "published_active_params_billion");
    m.published_active_includes_input_embedding =
        r.get(&ST::boolean, "published_active_includes_input_embedding");
  } else {
    m.published_active_params = m.published_total_params;  // dense: every parameter is active
    m.published_active_includes_input_embedding = true;
  }

  m.weight_bytes_per_param = r.get(&ST::positive_number, "weight_bytes_per_param");
  m.kv_bytes_per_element = r.get(&ST::positive_number, "kv_bytes_per_element");
  m.kv_context_fraction = r.get(&ST::fraction_or, "kv_context_fraction", 1.0);
  m.max_context_tokens = r.get(&ST::non_negative_integer_or, "max_context_tokens", 0);
  m.source = describe_source(r);
  return m;
}

}  // namespace moelab::config::detail
