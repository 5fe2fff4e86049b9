#pragma once
// Split-KV decode core (flash-decoding): one thread block handles one (sequence, kv head, split)
// and every query head of the GQA group, so each K/V row is read from HBM once for the group.
// Lanes: D/8 lanes cover one key row with 16-byte loads; a warp walks 32/(D/8) keys per step,
// 4 warps interleave, and each thread loads kUnroll keys' K and V before using any (more bytes
// in flight per thread, which is what a bandwidth-bound kernel needs). Scores are reduced across the row's lanes by xor
// shuffles; each lane keeps an online softmax (base 2) for its 8 dims; lanes, then warps, are merged by log-sum-exp.
// The block writes a normalized partial row + log2-sum-exp per head, or the final row.
#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/attention/cuda/device_math.cuh"

namespace moelab::kernels::attention::cuda_impl {

inline constexpr int kDecodeWarps = 4;
inline constexpr int kDecodeThreads = kDecodeWarps * 32;
inline constexpr int kMaxGroup = 8;  // query heads per kv head the decode kernels handle
inline constexpr int kDecodeUnroll = 2;
inline constexpr float kLog2e = 1.4426950408889634f;

// Where a block's results go: head g of the group writes o + g*o_stride (D floats) and, for a
// partial, lse[g*lse_stride] (log2 domain); lse == nullptr means final output.
struct SplitDest {
  float* o;
  std::size_t o_stride;
  float* lse;
  std::size_t lse_stride;
};

// Widens 8 bf16 held in one 16-byte register quad.
__device__ __forceinline__ void widen8(const uint4& raw, float* dst) {
  const std::uint32_t w[4] = {raw.x, raw.y, raw.z, raw.w};
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    dst[2 * i] = __uint_as_float(w[i] << 16);
    dst[2 * i + 1] = __uint_as_float(w[i] & 0xffff0000u);
  }
}

// G: register budget for query heads per block (group <= G; 4 or 8 instantiated).
// q_group: the group's first query row ([group, D] contiguous). kv_offset(t): element offset of
// key t's row (same for K and V). Keys [begin, end) are attended; an empty range writes an empty
// partial (lse = -inf).
template <int D, int G, class KvOffset>
__device__ void decode_split(const std::uint16_t* q_group, int group, const std::uint16_t* k, const std::uint16_t* v,
                             int begin, int end, float sm_scale, KvOffset kv_offset, SplitDest dst) {
  constexpr int kLanesPerKey = D / 8;
  constexpr int kKeysPerWarp = 32 / kLanesPerKey;
  constexpr int kKeysPerStep = kKeysPerWarp * kDecodeWarps;
  __shared__ float merge_acc[kDecodeWarps][G][D];
  __shared__ float merge_ml[kDecodeWarps][G][2];

  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int key_slot = lane / kLanesPerKey, dim0 = (lane % kLanesPerKey) * 8;

  float q[G][8], acc[G][8], m[G], l[G];
#pragma unroll
  for (int g = 0; g < G; ++g) {
    if (g < group) {
      load8(q_group + g * D + dim0, q[g]);
#pragma unroll
      for (int c = 0; c < 8; ++c) q[g][c] *= sm_scale * kLog2e;
    }
    m[g] = -INFINITY;
    l[g] = 0.0f;
#pragma unroll
    for (int c = 0; c < 8; ++c) acc[g][c] = 0.0f;
  }

  for (int base = begin + warp * kKeysPerWarp; base < end; base += kKeysPerStep * kDecodeUnroll) {
    uint4 k_raw[kDecodeUnroll], v_raw[kDecodeUnroll];
    bool valid[kDecodeUnroll];
#pragma unroll
    for (int u = 0; u < kDecodeUnroll; ++u) {  // issue every load first
      const int t = base + u * kKeysPerStep + key_slot;
      valid[u] = t < end;
      if (valid[u]) {
        const std::size_t off = kv_offset(t) + dim0;
        k_raw[u] = __ldg(reinterpret_cast<const uint4*>(k + off));
        v_raw[u] = __ldg(reinterpret_cast<const uint4*>(v + off));
      } else {
        k_raw[u] = v_raw[u] = make_uint4(0, 0, 0, 0);
      }
    }
#pragma unroll
    for (int u = 0; u < kDecodeUnroll; ++u) {
      float kf[8], vf[8];
      widen8(k_raw[u], kf);
      widen8(v_raw[u], vf);
#pragma unroll
      for (int g = 0; g < G; ++g) {
        if (g >= group) break;
        float s = 0.0f;
#pragma unroll
        for (int c = 0; c < 8; ++c) s += q[g][c] * kf[c];
        s = xor_sum<kLanesPerKey>(s);  // every lane takes part, valid or not
        if (valid[u]) {
          const float m_new = fmaxf(m[g], s);
          const float alpha = exp2f(m[g] - m_new);
          const float p = exp2f(s - m_new);
          l[g] = l[g] * alpha + p;
#pragma unroll
          for (int c = 0; c < 8; ++c) acc[g][c] = acc[g][c] * alpha + p * vf[c];
          m[g] = m_new;
        }
      }
    }
  }

  // Merge the key slots of the warp (lanes that share dims, xor over the slot bits).
#pragma unroll
  for (int g = 0; g < G; ++g) {
    if (g >= group) break;
#pragma unroll
    for (int mask = kLanesPerKey; mask < 32; mask *= 2) {
      const float m_o = __shfl_xor_sync(0xffffffffu, m[g], mask);
      const float l_o = __shfl_xor_sync(0xffffffffu, l[g], mask);
      const float m_new = fmaxf(m[g], m_o);
      const float a = m[g] == -INFINITY ? 0.0f : exp2f(m[g] - m_new);
      const float b = m_o == -INFINITY ? 0.0f : exp2f(m_o - m_new);
      l[g] = l[g] * a + l_o * b;
#pragma unroll
      for (int c = 0; c < 8; ++c) {
        const float acc_o = __shfl_xor_sync(0xffffffffu, acc[g][c], mask);
        acc[g][c] = acc[g][c] * a + acc_o * b;
      }
      m[g] = m_new;
    }
    if (key_slot == 0) {
#pragma unroll
      for (int c = 0; c < 8; ++c) merge_acc[warp][g][dim0 + c] = acc[g][c];
      if (dim0 == 0) {
        merge_ml[warp][g][0] = m[g];
        merge_ml[warp][g][1] = l[g];
      }
    }
  }
  __syncthreads();

  // Merge the warps: one thread per (head, dim).
  for (int i = threadIdx.x; i < group * D; i += kDecodeThreads) {
    const int g = i / D, c = i % D;
    float m_max = -INFINITY;
#pragma unroll
    for (int w = 0; w < kDecodeWarps; ++w) m_max = fmaxf(m_max, merge_ml[w][g][0]);
    float l_sum = 0.0f, o = 0.0f;
#pragma unroll
    for (int w = 0; w < kDecodeWarps; ++w) {
      const float mw = merge_ml[w][g][0];
      const float scale = mw == -INFINITY ? 0.0f : exp2f(mw - m_max);
      l_sum += merge_ml[w][g][1] * scale;
      o += merge_acc[w][g][c] * scale;
    }
    dst.o[g * dst.o_stride + c] = l_sum > 0.0f ? o / l_sum : 0.0f;
    if (dst.lse != nullptr && c == 0) dst.lse[g * dst.lse_stride] = l_sum > 0.0f ? m_max + log2f(l_sum) : -INFINITY;
  }
}

// Merges `n_parts` partials per row: partial_o [rows, n_parts, D], partial_lse [rows, n_parts]
// (log2 domain) -> out [rows, D]. Grid: one block of D threads per row.
template <int D>
__global__ void combine_partials_kernel(const float* __restrict__ partial_o, const float* __restrict__ partial_lse,
                                        int n_parts, float* __restrict__ out) {
  const int row = blockIdx.x, c = threadIdx.x;
  const float* lse = partial_lse + std::size_t(row) * n_parts;
  float lse_max = -INFINITY;
  for (int i = 0; i < n_parts; ++i) lse_max = fmaxf(lse_max, lse[i]);
  float w_sum = 0.0f, o = 0.0f;
  for (int i = 0; i < n_parts; ++i) {
    if (lse[i] == -INFINITY) continue;
    const float w = exp2f(lse[i] - lse_max);
    w_sum += w;
    o += w * partial_o[(std::size_t(row) * n_parts + i) * D + c];
  }
  out[std::size_t(row) * D + c] = o / w_sum;
}

}  // namespace moelab::kernels::attention::cuda_impl
