#pragma once
// Flash-attention-2 prefill on tensor cores (mma.sync m16n8k16, bf16 in, fp32 accumulate).
//   block  = 64 queries of one (sequence, head); 4 warps x 16 query rows
//   loop   = 64-key tiles of K and V staged in shared memory with cp.async, double buffered
//            (tile t+1 loads while tile t computes); tiles past the causal diagonal are skipped
//   warp   = S = Q K^T (Q fragments kept in registers), causal mask on the diagonal tile only,
//            online softmax in base 2 (row max/sum over the 4 lanes of a quad), P re-packed
//            from the S accumulators into bf16 A fragments, O += P V (V read with ldmatrix.trans)
// Shared rows are padded by 8 bf16 (16 bytes) so ldmatrix's 8 row addresses hit distinct banks.
// Rows past a sequence's end are zero-filled (cp.async src-size 0): nothing out of bounds is read.
#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/attention/cuda/mma_ptx.cuh"
#include "kernels/attention/params.hpp"

namespace moelab::kernels::attention::cuda_impl {

template <int D>
struct FlashMmaConfig {
  static constexpr int kBlockQ = 64;
  static constexpr int kBlockK = 64;
  static constexpr int kWarps = 4;
  static constexpr int kThreads = kWarps * 32;
  static constexpr int kStride = D + 8;  // shared row stride in bf16
  // Q + 2 stages of K + 2 stages of V.
  static constexpr int kSmemBytes = (kBlockQ + 4 * kBlockK) * kStride * 2;
};

template <int D>
__global__ void __launch_bounds__(FlashMmaConfig<D>::kThreads) flash_mma_prefill_kernel(PrefillParams p) {
  using C = FlashMmaConfig<D>;
  constexpr int S = C::kStride, kBq = C::kBlockQ, kBk = C::kBlockK;
  constexpr int kSteps = D / 16;   // k-steps of QK^T
  constexpr int kDimTiles = D / 8; // n-tiles of O
  constexpr int kKeyTiles = kBk / 8;
  constexpr int kChunksPerRow = D / 8;  // 16-byte chunks per row
  constexpr float kLog2e = 1.4426950408889634f;

  extern __shared__ __align__(16) std::uint16_t smem[];
  std::uint16_t* sQ = smem;
  std::uint16_t* sK = sQ + kBq * S;
  std::uint16_t* sV = sK + 2 * kBk * S;

  const int b = blockIdx.z, h = blockIdx.y;
  const int seq_start = p.cu_seqlens[b];
  const int len = p.cu_seqlens[b + 1] - seq_start;
  const int q0 = (gridDim.x - 1 - blockIdx.x) * kBq;  // heaviest (latest) tiles first
  if (q0 >= len) return;
  const int hk = h / (p.heads / p.kv_heads);
  const int tid = threadIdx.x, warp = tid / 32, lane = tid % 32;

  const std::size_t q_stride = std::size_t(p.heads) * D, kv_stride = std::size_t(p.kv_heads) * D;
  const std::uint16_t* gQ = p.q + std::size_t(seq_start) * q_stride + std::size_t(h) * D;
  const std::uint16_t* gK = p.k + std::size_t(seq_start) * kv_stride + std::size_t(hk) * D;
  const std::uint16_t* gV = p.v + std::size_t(seq_start) * kv_stride + std::size_t(hk) * D;

  auto load_tile = [&](std::uint16_t* dst, const std::uint16_t* src, std::size_t stride, int row0) {
#pragma unroll
    for (int c = tid; c < 64 * kChunksPerRow; c += C::kThreads) {
      const int r = c / kChunksPerRow, col = (c % kChunksPerRow) * 8;
      const bool ok = row0 + r < len;
      cp_async_16(dst + r * S + col, src + std::size_t(ok ? row0 + r : 0) * stride + col, ok);
    }
  };

  // Causal tile skipping: key tiles starting after the block's last query are never touched.
  const int n_tiles = min((q0 + kBq + kBk - 1) / kBk, (len + kBk - 1) / kBk);
  load_tile(sQ, gQ, q_stride, q0);
  load_tile(sK, gK, kv_stride, 0);
  load_tile(sV, gV, kv_stride, 0);
  cp_async_commit();
  cp_async_wait<0>();
  __syncthreads();

  std::uint32_t qf[kSteps][4];
#pragma unroll
  for (int kk = 0; kk < kSteps; ++kk) {
    ldmatrix_x4(qf[kk], sQ + (warp * 16 + (lane % 8) + ((lane / 8) % 2) * 8) * S + kk * 16 + (lane / 16) * 8);
  }

  float o[kDimTiles][4];
#pragma unroll
  for (int dn = 0; dn < kDimTiles; ++dn) o[dn][0] = o[dn][1] = o[dn][2] = o[dn][3] = 0.0f;
  float m[2] = {-INFINITY, -INFINITY}, l[2] = {0.0f, 0.0f};
  const float scale = p.sm_scale * kLog2e;
  const int row_lo = q0 + warp * 16 + lane / 4;  // this lane's rows: row_lo and row_lo + 8

  for (int kt = 0; kt < n_tiles; ++kt) {
    const int stage = kt & 1;
    if (kt + 1 < n_tiles) {
      load_tile(sK + (stage ^ 1) * kBk * S, gK, kv_stride, (kt + 1) * kBk);
      load_tile(sV + (stage ^ 1) * kBk * S, gV, kv_stride, (kt + 1) * kBk);
    }
    cp_async_commit();  // possibly empty: keeps "all but the newest group" = tile kt
    cp_async_wait<1>();
    __syncthreads();
    const std::uint16_t* k_s = sK + stage * kBk * S;
    const std::uint16_t* v_s = sV + stage * kBk * S;

    // S = Q K^T for this warp's 16 rows x 64 keys.
    float s[kKeyTiles][4];
#pragma unroll
    for (int n = 0; n < kKeyTiles; ++n) s[n][0] = s[n][1] = s[n][2] = s[n][3] = 0.0f;
#pragma unroll
    for (int kk = 0; kk < kSteps; ++kk) {
#pragma unroll
      for (int n = 0; n < kKeyTiles; n += 2) {
        std::uint32_t kb[4];
        ldmatrix_x4(kb, k_s + (n * 8 + (lane % 8) + (lane / 16) * 8) * S + kk * 16 + ((lane / 8) % 2) * 8);
        mma_bf16_16816(s[n], qf[kk], kb[0], kb[1]);
        mma_bf16_16816(s[n + 1], qf[kk], kb[2], kb[3]);
      }
    }

    // Causal mask, only where the tile crosses this warp's diagonal.
    const int key0 = kt * kBk;
    if (key0 + kBk - 1 > q0 + warp * 16) {
#pragma unroll
      for (int n = 0; n < kKeyTiles; ++n) {
#pragma unroll
        for (int i = 0; i < 4; ++i) {
          const int key = key0 + n * 8 + (lane % 4) * 2 + (i & 1);
          const int row = row_lo + (i >> 1) * 8;
          if (key > row) s[n][i] = -INFINITY;
        }
      }
    }

    // Online softmax (base 2): new row max, rescale of O and l, P = exp2(S*scale - max).
    float mx[2] = {m[0], m[1]};
#pragma unroll
    for (int n = 0; n < kKeyTiles; ++n) {
#pragma unroll
      for (int i = 0; i < 4; ++i) mx[i >> 1] = fmaxf(mx[i >> 1], s[n][i] * scale);
    }
    float m_use[2], alpha[2], row_sum[2] = {0.0f, 0.0f};
#pragma unroll
    for (int r = 0; r < 2; ++r) {
      mx[r] = fmaxf(mx[r], __shfl_xor_sync(0xffffffffu, mx[r], 1));
      mx[r] = fmaxf(mx[r], __shfl_xor_sync(0xffffffffu, mx[r], 2));
      m_use[r] = mx[r] == -INFINITY ? 0.0f : mx[r];  // a fully masked row stays at P = 0
      alpha[r] = exp2f(m[r] - m_use[r]);
      m[r] = mx[r];
    }
#pragma unroll
    for (int n = 0; n < kKeyTiles; ++n) {
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        s[n][i] = exp2f(s[n][i] * scale - m_use[i >> 1]);
        row_sum[i >> 1] += s[n][i];
      }
    }
#pragma unroll
    for (int r = 0; r < 2; ++r) l[r] = l[r] * alpha[r] + row_sum[r];  // lane-partial sum; quad-reduced at the end
#pragma unroll
    for (int dn = 0; dn < kDimTiles; ++dn) {
      o[dn][0] *= alpha[0];
      o[dn][1] *= alpha[0];
      o[dn][2] *= alpha[1];
      o[dn][3] *= alpha[1];
    }

    // O += P V: the S accumulators of key tiles 2j, 2j+1 are exactly the A fragment of k-step j.
#pragma unroll
    for (int j = 0; j < kBk / 16; ++j) {
      const std::uint32_t pa[4] = {pack_bf16x2(s[2 * j][0], s[2 * j][1]), pack_bf16x2(s[2 * j][2], s[2 * j][3]),
                                   pack_bf16x2(s[2 * j + 1][0], s[2 * j + 1][1]),
                                   pack_bf16x2(s[2 * j + 1][2], s[2 * j + 1][3])};
#pragma unroll
      for (int dn = 0; dn < kDimTiles; dn += 2) {
        std::uint32_t vb[4];
        ldmatrix_x4_trans(vb, v_s + (j * 16 + (lane % 8) + ((lane / 8) % 2) * 8) * S + (dn + lane / 16) * 8);
        mma_bf16_16816(o[dn], pa, vb[0], vb[1]);
        mma_bf16_16816(o[dn + 1], pa, vb[2], vb[3]);
      }
    }
    __syncthreads();  // this stage is overwritten by the prefetch two iterations on
  }

#pragma unroll
  for (int r = 0; r < 2; ++r) {
    l[r] += __shfl_xor_sync(0xffffffffu, l[r], 1);
    l[r] += __shfl_xor_sync(0xffffffffu, l[r], 2);
    const int row = row_lo + r * 8;
    if (row < len) {
      const float inv = 1.0f / l[r];
      float* dst = p.out + (std::size_t(seq_start + row) * p.heads + h) * D + (lane % 4) * 2;
#pragma unroll
      for (int dn = 0; dn < kDimTiles; ++dn) {
        *reinterpret_cast<float2*>(dst + dn * 8) = make_float2(o[dn][2 * r] * inv, o[dn][2 * r + 1] * inv);
      }
    }
  }
}

// Host launchers (one instantiation per head dim, each in its own .cu to keep compiles short).
void prepare_flash_mma_prefill(int head_dim);  // raises the dynamic shared-memory limit
void launch_flash_mma_prefill(const PrefillParams& p, cudaStream_t stream);

template <int D>
void launch_flash_mma_prefill_d(const PrefillParams& p, cudaStream_t stream);

}  // namespace moelab::kernels::attention::cuda_impl
