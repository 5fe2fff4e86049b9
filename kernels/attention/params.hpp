#pragma once
// Raw-pointer problem descriptions shared by every attention kernel (ref, kokkos, cuda).
// Free of harness headers so .cu files include it cheaply (FlashInfer style).
//
// Layouts (token-major, as in FlashAttention's varlen API):
//   q        [tokens, heads, head_dim]        bf16 bits (uint16, round-to-nearest-even)
//   k, v     [tokens, kv_heads, head_dim]     bf16 bits
//   out      [tokens, heads, head_dim]        fp32 (so a check sees the kernel's accumulation
//                                                    error, not the output rounding)
// Query head h reads kv head h / (heads / kv_heads) (GQA). Scores are scaled by sm_scale
// (1/sqrt(head_dim)); accumulation is fp32 in every non-ref variant.
#include <cstdint>

namespace moelab::kernels::attention {

using bf16_bits = std::uint16_t;

// attention.prefill: self-attention over a batch of variable-length sequences.
// Sequence i owns tokens [cu_seqlens[i], cu_seqlens[i+1]); query j attends keys 0..j when causal,
// every key of its sequence otherwise.
struct PrefillParams {
  const bf16_bits* q = nullptr;
  const bf16_bits* k = nullptr;
  const bf16_bits* v = nullptr;
  float* out = nullptr;
  const std::int32_t* cu_seqlens = nullptr;  // [batch + 1]
  int batch = 0;
  int heads = 0;
  int kv_heads = 0;
  int head_dim = 0;
  int max_seq_len = 0;
  int total_tokens = 0;
  float sm_scale = 0;
  int causal = 1;  // 1: causal mask; 0: full (bidirectional) attention
};

// attention.decode_paged: one query token per sequence over a paged KV cache.
// Key t of sequence i lives in page block_table[i * max_pages_per_seq + t / page_size],
// slot t % page_size; k_cache/v_cache are [num_pages, page_size, kv_heads, head_dim].
struct PagedDecodeParams {
  const bf16_bits* q = nullptr;  // [batch, heads, head_dim]
  const bf16_bits* k_cache = nullptr;
  const bf16_bits* v_cache = nullptr;
  float* out = nullptr;                        // [batch, heads, head_dim]
  const std::int32_t* block_table = nullptr;   // [batch, max_pages_per_seq]
  const std::int32_t* context_lens = nullptr;  // [batch]
  int batch = 0;
  int heads = 0;
  int kv_heads = 0;
  int head_dim = 0;
  int page_size = 0;
  int max_pages_per_seq = 0;
  int max_context_len = 0;
  int num_pages = 0;
  float sm_scale = 0;
};

// attention.decode_cascade: `batch` decode queries share one prefix (k_prefix/v_prefix,
// [prefix_len, kv_heads, head_dim]); query i also attends its own suffix, tokens
// [cu_suffix[i], cu_suffix[i+1]) of k_suffix/v_suffix. The result equals plain attention
// over prefix + suffix.
struct CascadeDecodeParams {
  const bf16_bits* q = nullptr;  // [batch, heads, head_dim]
  const bf16_bits* k_prefix = nullptr;
  const bf16_bits* v_prefix = nullptr;
  const bf16_bits* k_suffix = nullptr;
  const bf16_bits* v_suffix = nullptr;
  const std::int32_t* cu_suffix = nullptr;  // [batch + 1]
  float* out = nullptr;                     // [batch, heads, head_dim]
  int batch = 0;
  int heads = 0;
  int kv_heads = 0;
  int head_dim = 0;
  int prefix_len = 0;
  int max_suffix_len = 0;
  int total_suffix = 0;
  float sm_scale = 0;
};

}  // namespace moelab::kernels::attention
