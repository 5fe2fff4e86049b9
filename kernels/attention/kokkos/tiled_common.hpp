#pragma once
// Pieces the kokkos.tiled attention variants share: unmanaged host views over the case's
// buffers, bf16 widening, and the online-softmax state (running max m, running sum l, fp32
// accumulator) that the GPU kernels keep in registers.
#include <Kokkos_Core.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernels/common/kokkos_runtime.hpp"  // HostExec, ensure_kokkos_initialized

namespace moelab::kernels::attention::kokkos {

template <class T>
using HostUnmanaged = Kokkos::View<T*, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;

KOKKOS_INLINE_FUNCTION float widen(std::uint16_t b) {
  const std::uint32_t u = std::uint32_t(b) << 16;
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

// Round to nearest even, as __float2bfloat16_rn (finite inputs only: P is in [0, 1]).
KOKKOS_INLINE_FUNCTION float round_to_bf16(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  u += 0x7fffu + ((u >> 16) & 1u);
  u &= 0xffff0000u;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

// Key/value tile width (columns of S per step) and query tile height, as on the GPU.
inline constexpr int kTileKeys = 64;
inline constexpr int kTileQueries = 64;
inline constexpr int kMaxHeadDim = 128;
// Keys per split in split-KV decode (a multiple of every page size we expect).
inline constexpr int kSplitKeys = 256;

// Online softmax for one query row: feed tiles of scores, rescale when the max grows.
struct RowState {
  float m = -INFINITY;
  float l = 0.0f;
  float acc[kMaxHeadDim] = {};

  // scores[0..n) already scaled; value_row(j) gives V row j (bf16 bits). With round_p, P enters
  // the PV product rounded to bf16 while l keeps fp32 P, exactly as the tensor-core kernel does.
  template <class ValueRow>
  KOKKOS_INLINE_FUNCTION void absorb(const float* scores, int n, int head_dim, ValueRow value_row,
                                     bool round_p = false) {
    float tile_max = -INFINITY;
    for (int j = 0; j < n; ++j) tile_max = scores[j] > tile_max ? scores[j] : tile_max;
    if (n == 0) return;
    const float m_new = tile_max > m ? tile_max : m;
    const float alpha = std::exp(m - m_new);  // exp(-inf) = 0 on the first tile
    l *= alpha;
    for (int c = 0; c < head_dim; ++c) acc[c] *= alpha;
    for (int j = 0; j < n; ++j) {
      const float p = std::exp(scores[j] - m_new);
      l += p;
      const float p_used = round_p ? round_to_bf16(p) : p;
      const std::uint16_t* v = value_row(j);
      for (int c = 0; c < head_dim; ++c) acc[c] += p_used * widen(v[c]);
    }
    m = m_new;
  }
};

// A partial result (normalized output + log-sum-exp) merged across splits:
//   lse = log(sum_i exp(lse_i)),  out = sum_i exp(lse_i - lse) * out_i
KOKKOS_INLINE_FUNCTION float row_lse(const RowState& s) { return s.l > 0 ? s.m + std::log(s.l) : -INFINITY; }

}  // namespace moelab::kernels::attention::kokkos

namespace moelab::kernels::attention::kokkos {

// Writes the normalized output of `s` and returns its log-sum-exp.
KOKKOS_INLINE_FUNCTION float store_partial(const RowState& s, int head_dim, float* out) {
  for (int c = 0; c < head_dim; ++c) out[c] = s.l > 0 ? s.acc[c] / s.l : 0.0f;
  return row_lse(s);
}

// Merges n partials (out_i at partial_out + i*stride, lse_i at lse[i*lse_stride]) into dst.
KOKKOS_INLINE_FUNCTION void merge_partials(const float* partial_out, std::size_t stride, const float* lse,
                                           std::size_t lse_stride, int n, int head_dim, float* dst) {
  float lse_max = -INFINITY;
  for (int i = 0; i < n; ++i) lse_max = lse[i * lse_stride] > lse_max ? lse[i * lse_stride] : lse_max;
  float total = 0;
  for (int c = 0; c < head_dim; ++c) dst[c] = 0;
  for (int i = 0; i < n; ++i) {
    if (lse[i * lse_stride] == -INFINITY) continue;  // empty split
    const float w = std::exp(lse[i * lse_stride] - lse_max);
    total += w;
    for (int c = 0; c < head_dim; ++c) dst[c] += w * partial_out[i * stride + c];
  }
  for (int c = 0; c < head_dim; ++c) dst[c] /= total;
}

// Scores of one query row against n_keys keys (key_row(j) -> bf16 row), scaled.
template <class KeyRow>
KOKKOS_INLINE_FUNCTION void row_scores(const std::uint16_t* q_row, int n_keys, int head_dim, float scale,
                                       KeyRow key_row, float* scores) {
  for (int j = 0; j < n_keys; ++j) {
    const std::uint16_t* k = key_row(j);
    float dot = 0;
    for (int c = 0; c < head_dim; ++c) dot += widen(q_row[c]) * widen(k[c]);
    scores[j] = dot * scale;
  }
}

}  // namespace moelab::kernels::attention::kokkos
