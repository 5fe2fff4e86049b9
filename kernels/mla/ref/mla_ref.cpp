#include "kernels/mla/ref/mla_ref.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/common/bf16.hpp"
#include "kernels/common/parallel_for.hpp"

namespace moelab::kernels::mla::ref {
namespace {

double widen(bf16_bits b) { return static_cast<double>(to_float(bf16{b})); }

void one_row(const MlaDecodeParams& p, int b, int h, std::vector<double>& score, std::vector<double>& acc,
             double* out_row) {
  const int qk = p.qk_dim();
  const bf16_bits* q = p.q + (static_cast<std::size_t>(b) * p.heads + h) * qk;
  const std::int32_t* pages = p.block_table + static_cast<std::size_t>(b) * p.max_pages_per_seq;
  const int n = p.context_lens[b];
  auto row_of = [&](int t) {
    const std::size_t slot = static_cast<std::size_t>(pages[t / p.page_size]) * p.page_size + t % p.page_size;
    return p.kv_cache + slot * qk;
  };
  score.resize(static_cast<std::size_t>(n));
  double max_score = -std::numeric_limits<double>::infinity();
  for (int t = 0; t < n; ++t) {
    const bf16_bits* k = row_of(t);
    double dot = 0;
    for (int c = 0; c < qk; ++c) dot += widen(q[c]) * widen(k[c]);
    score[t] = dot * p.sm_scale;
    max_score = std::max(max_score, score[t]);
  }
  double denom = 0;
  for (int t = 0; t < n; ++t) denom += (score[t] = std::exp(score[t] - max_score));
  acc.assign(static_cast<std::size_t>(p.kv_lora), 0.0);
  for (int t = 0; t < n; ++t) {
    const bf16_bits* v = row_of(t);
    for (int c = 0; c < p.kv_lora; ++c) acc[c] += score[t] * widen(v[c]);
  }
  for (int c = 0; c < p.kv_lora; ++c) out_row[c] = acc[c] / denom;
}

}  // namespace

void mla_decode(const MlaDecodeParams& p, double* out, const std::uint8_t* rows) {
  const std::size_t total = static_cast<std::size_t>(p.batch) * p.heads;
  parallel_for(
      total,
      [&](std::size_t begin, std::size_t end) {
        std::vector<double> score, acc;
        for (std::size_t r = begin; r < end; ++r) {
          if (rows != nullptr && !rows[r]) continue;
          one_row(p, static_cast<int>(r / p.heads), static_cast<int>(r % p.heads), score, acc,
                  out + r * static_cast<std::size_t>(p.kv_lora));
        }
      },
      1);
}

}  // namespace moelab::kernels::mla::ref
