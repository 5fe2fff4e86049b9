#include "kernels/attention/ref/attention_ref.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/common/bf16.hpp"

namespace moelab::kernels::attention::ref {
namespace {

float bf16_bits_to_float(bf16_bits b) { return to_float(bf16{b}); }

// One query row against n keys; key_row(j) / val_row(j) return the bf16 rows of key j.
template <class KeyRow, class ValRow>
void attend(const bf16_bits* q_row, int head_dim, double scale, int n_keys, KeyRow key_row, ValRow val_row,
            double* out_row) {
  std::vector<double> score(static_cast<std::size_t>(n_keys));
  double max_score = -std::numeric_limits<double>::infinity();
  for (int j = 0; j < n_keys; ++j) {
    const bf16_bits* k = key_row(j);
    double dot = 0;
    for (int c = 0; c < head_dim; ++c) dot += double(bf16_bits_to_float(q_row[c])) * double(bf16_bits_to_float(k[c]));
    score[j] = dot * scale;
    max_score = std::max(max_score, score[j]);
  }
  double denom = 0;
  for (int j = 0; j < n_keys; ++j) {
    score[j] = std::exp(score[j] - max_score);
    denom += score[j];
  }
  std::vector<double> acc(static_cast<std::size_t>(head_dim), 0.0);
  for (int j = 0; j < n_keys; ++j) {
    const bf16_bits* v = val_row(j);
    for (int c = 0; c < head_dim; ++c) acc[c] += score[j] * double(bf16_bits_to_float(v[c]));
  }
  for (int c = 0; c < head_dim; ++c) out_row[c] = n_keys > 0 ? acc[c] / denom : 0.0;
}

}  // namespace

void prefill(const PrefillParams& p, double* out, const std::uint8_t* rows) {
  const int d = p.head_dim;
  const int group = p.heads / p.kv_heads;
  for (int b = 0; b < p.batch; ++b) {
    const int start = p.cu_seqlens[b];
    const int len = p.cu_seqlens[b + 1] - start;
    for (int i = 0; i < len; ++i) {
      if (rows != nullptr && !rows[start + i]) continue;
      for (int h = 0; h < p.heads; ++h) {
        const int hk = h / group;
        const std::size_t q_off = (std::size_t(start + i) * p.heads + h) * d;
        auto kv_off = [&](int j) { return (std::size_t(start + j) * p.kv_heads + hk) * d; };
        attend(
            p.q + q_off, d, p.sm_scale, p.causal ? i + 1 : len,  // causal: keys 0..i
            [&](int j) { return p.k + kv_off(j); }, [&](int j) { return p.v + kv_off(j); }, out + q_off);
      }
    }
  }
}

void paged_decode(const PagedDecodeParams& p, double* out, const std::uint8_t* rows) {
  const int d = p.head_dim;
  const int group = p.heads / p.kv_heads;
  for (int b = 0; b < p.batch; ++b) {
    if (rows != nullptr && !rows[b]) continue;
    const std::int32_t* pages = p.block_table + std::size_t(b) * p.max_pages_per_seq;
    for (int h = 0; h < p.heads; ++h) {
      const int hk = h / group;
      auto kv_off = [&](int t) {
        const std::size_t slot = std::size_t(pages[t / p.page_size]) * p.page_size + t % p.page_size;
        return (slot * p.kv_heads + hk) * d;
      };
      const std::size_t q_off = (std::size_t(b) * p.heads + h) * d;
      attend(
          p.q + q_off, d, p.sm_scale, p.context_lens[b], [&](int t) { return p.k_cache + kv_off(t); },
          [&](int t) { return p.v_cache + kv_off(t); }, out + q_off);
    }
  }
}

void cascade_decode(const CascadeDecodeParams& p, double* out, const std::uint8_t* rows) {
  const int d = p.head_dim;
  const int group = p.heads / p.kv_heads;
  for (int b = 0; b < p.batch; ++b) {
    if (rows != nullptr && !rows[b]) continue;
    const int s0 = p.cu_suffix[b];
    const int n_suffix = p.cu_suffix[b + 1] - s0;
    for (int h = 0; h < p.heads; ++h) {
      const int hk = h / group;
      // Token t < prefix_len is a prefix token, the rest are this query's suffix.
      auto row = [&](const bf16_bits* prefix, const bf16_bits* suffix, int t) {
        if (t < p.prefix_len) return prefix + (std::size_t(t) * p.kv_heads + hk) * d;
        return suffix + (std::size_t(s0 + t - p.prefix_len) * p.kv_heads + hk) * d;
      };
      const std::size_t q_off = (std::size_t(b) * p.heads + h) * d;
      attend(
          p.q + q_off, d, p.sm_scale, p.prefix_len + n_suffix, [&](int t) { return row(p.k_prefix, p.k_suffix, t); },
          [&](int t) { return row(p.v_prefix, p.v_suffix, t); }, out + q_off);
    }
  }
}

}  // namespace moelab::kernels::attention::ref
