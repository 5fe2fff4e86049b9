#pragma once
// Raw-pointer description of one MLA decode step (multi-head latent attention, DeepSeek-V2/V3,
// Kimi K2) in the absorbed form FlashMLA computes (deepseek-ai/FlashMLA; DeepSeek-V2 paper, arXiv
// 2405.04434, section 2.1): the cache holds one latent row per token, shared by every head,
//   kv_cache  [num_pages, page_size, kv_lora + rope]  bf16: c_KV (kv_lora = 512) then k_rope (64)
// and each query head has been multiplied into the latent space (W_UK absorbed):
//   q         [batch, heads, kv_lora + rope]          bf16: q_nope W_UK (512) then q_rope (64)
//   out       [batch, heads, kv_lora]                 fp32: softmax(q . k * scale) . c_KV, still in the
//                                                    latent space (W_UV and o_proj come after)
// Key t of sequence i lives in page block_table[i * max_pages_per_seq + t / page_size], slot
// t % page_size. Scores use all kv_lora + rope dims; values are the first kv_lora dims of the same
// rows (V is K's latent part: one cache row serves both). Accumulation fp32 in non-ref variants.
#include <cstdint>

namespace moelab::kernels::mla {

using bf16_bits = std::uint16_t;

struct MlaDecodeParams {
  const bf16_bits* q = nullptr;
  const bf16_bits* kv_cache = nullptr;
  float* out = nullptr;
  const std::int32_t* block_table = nullptr;   // [batch, max_pages_per_seq]
  const std::int32_t* context_lens = nullptr;  // [batch]
  int batch = 0;
  int heads = 0;
  int kv_lora = 512;  // latent (value) dims
  int rope = 64;      // decoupled rope dims (keys only)
  int page_size = 0;
  int max_pages_per_seq = 0;
  int max_context_len = 0;
  int num_pages = 0;
  float sm_scale = 0;
  int qk_dim() const { return kv_lora + rope; }
};

}  // namespace moelab::kernels::mla
