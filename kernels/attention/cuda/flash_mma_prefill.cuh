#pragma once
// Flash-attention-2 prefill on tensor cores (mma.sync m16n8k16, bf16 in, fp32 accumulate).
//   block  = 4 warps x (16 x MTiles) query rows of one (sequence, head): MTiles = 2 gives
//            FA2's 128-row block, where every K/V fragment read from shared memory feeds two
//            m-tiles (half the shared-memory traffic per mma of MTiles = 1)
//   loop   = 64-key tiles of K and V staged in shared memory with cp.async, double buffered
//            (tile t+1 loads while tile t computes); tiles past the causal diagonal are skipped
//   warp   = S = Q K^T (Q fragments re-read from shared memory per k-step), causal mask on the
//            diagonal tiles only, warps whose rows all precede a key tile skip it,
//            online softmax in base 2 (row max/sum over the 4 lanes of a quad), P re-packed
//            from the S accumulators into bf16 A fragments, O += P V (V read with ldmatrix.trans)
// Shared rows are padded by 8 bf16 (16 bytes) so ldmatrix's 8 row addresses hit distinct banks.
// Rows past a sequence's end are zero-filled (cp.async src-size 0): nothing out of bounds is read.
#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/attention/cuda/mma_layout.hpp"
#include "kernels/attention/cuda/mma_ptx.cuh"
#include "kernels/attention/params.hpp"

namespace moelab::kernels::attention::cuda_impl {

template <int D, int MTiles>
struct FlashMmaConfig {
  static constexpr int kMTiles = MTiles;  // 16-row m-tiles per warp (2 = FA2's 128-row block)
  static constexpr int kWarps = 4;
  static constexpr int kBlockQ = kWarps * 16 * MTiles;
  static constexpr int kBlockK = 64;
  static constexpr int kThreads = kWarps * 32;
  static constexpr int kStride = D + 8;  // shared row stride in bf16
  // Q + 2 stages of K + 2 stages of V.
  static constexpr int kSmemBytes = (kBlockQ + 4 * kBlockK) * kStride * 2;
};

template <int D, int MTiles>
__global__ void __launch_bounds__(FlashMmaConfig<D, MTiles>::kThreads) flash_mma_prefill_kernel(PrefillParams p) {
  using C = FlashMmaConfig<D, MTiles>;
  constexpr int S = C::kStride, kBq = C::kBlockQ, kBk = C::kBlockK, kM = MTiles;
  constexpr int kWarpRows = 16 * MTiles;
  constexpr int kSteps = D / 16;    // k-steps of QK^T
  constexpr int kDimTiles = D / 8;  // n-tiles of O
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

  auto load_tile = [&](std::uint16_t* dst, const std::uint16_t* src, std::size_t stride, int row0, int rows) {
    for (int c = tid; c < rows * kChunksPerRow; c += C::kThreads) {
      const int r = c / kChunksPerRow, col = (c % kChunksPerRow) * 8;
      const bool ok = row0 + r < len;
      cp_async_16(dst + r * S + col, src + std::size_t(ok ? row0 + r : 0) * stride + col, ok);
    }
  };

  // Causal tile skipping: key tiles starting after the block's last query are never touched.
  const bool causal = p.causal != 0;
  const int n_tiles = causal ? min((q0 + kBq + kBk - 1) / kBk, (len + kBk - 1) / kBk) : (len + kBk - 1) / kBk;
  load_tile(sQ, gQ, q_stride, q0, kBq);
  load_tile(sK, gK, kv_stride, 0, kBk);
  load_tile(sV, gV, kv_stride, 0, kBk);
  cp_async_commit();

  float o[kM][kDimTiles][4];
#pragma unroll
  for (int mt = 0; mt < kM; ++mt) {
#pragma unroll
    for (int dn = 0; dn < kDimTiles; ++dn) o[mt][dn][0] = o[mt][dn][1] = o[mt][dn][2] = o[mt][dn][3] = 0.0f;
  }
  float m[kM][2], l[kM][2];
#pragma unroll
  for (int mt = 0; mt < kM; ++mt) m[mt][0] = m[mt][1] = -INFINITY, l[mt][0] = l[mt][1] = 0.0f;
  const float scale = p.sm_scale * kLog2e;
  const int warp_row0 = q0 + warp * kWarpRows;  // this warp's rows: warp_row0 .. warp_row0 + kWarpRows - 1
  const int lane_row = warp_row0 + lane / 4;    // m-tile mt: rows lane_row + 16*mt and + 8

  for (int kt = 0; kt < n_tiles; ++kt) {
    const int stage = kt & 1;
    if (kt + 1 < n_tiles) {
      load_tile(sK + (stage ^ 1) * kBk * S, gK, kv_stride, (kt + 1) * kBk, kBk);
      load_tile(sV + (stage ^ 1) * kBk * S, gV, kv_stride, (kt + 1) * kBk, kBk);
    }
    cp_async_commit();  // possibly empty: keeps "all but the newest group" = tile kt (and Q)
    cp_async_wait<1>();
    __syncthreads();
    const std::uint16_t* k_s = sK + stage * kBk * S;
    const std::uint16_t* v_s = sV + stage * kBk * S;
    const int key0 = kt * kBk;

    // Warps whose rows all precede the tile skip it (uniform per warp; the barrier stays shared).
    if (!causal || key0 <= warp_row0 + kWarpRows - 1) {
      // S = Q K^T: each K fragment pair feeds every m-tile of the warp.
      float s[kM][kKeyTiles][4];
#pragma unroll
      for (int mt = 0; mt < kM; ++mt) {
#pragma unroll
        for (int n = 0; n < kKeyTiles; ++n) s[mt][n][0] = s[mt][n][1] = s[mt][n][2] = s[mt][n][3] = 0.0f;
      }
#pragma unroll
      for (int kk = 0; kk < kSteps; ++kk) {
        std::uint32_t qa[kM][4];
#pragma unroll
        for (int mt = 0; mt < kM; ++mt) {
          ldmatrix_x4(qa[mt], sQ + (warp * kWarpRows + mt * 16 + mma_layout::a_tile_row(lane)) * S + kk * 16 +
                                  mma_layout::a_tile_col(lane));
        }
#pragma unroll
        for (int n = 0; n < kKeyTiles; n += 2) {
          std::uint32_t kb[4];
          ldmatrix_x4(kb, k_s + (n * 8 + mma_layout::k_tile_row(lane)) * S + kk * 16 + mma_layout::k_tile_col(lane));
#pragma unroll
          for (int mt = 0; mt < kM; ++mt) {
            mma_bf16_16816(s[mt][n], qa[mt], kb[0], kb[1]);
            mma_bf16_16816(s[mt][n + 1], qa[mt], kb[2], kb[3]);
          }
        }
      }

#pragma unroll
      for (int mt = 0; mt < kM; ++mt) {
        // Causal mask, only where the tile crosses this m-tile's diagonal; full attention masks
        // only the zero-filled keys past the sequence's end.
        if (causal ? key0 + kBk - 1 > warp_row0 + mt * 16 : key0 + kBk > len) {
#pragma unroll
          for (int n = 0; n < kKeyTiles; ++n) {
#pragma unroll
            for (int i = 0; i < 4; ++i) {
              const int key = key0 + n * 8 + mma_layout::c_col(lane, i);
              const int row = warp_row0 + mt * 16 + mma_layout::c_row(lane, i);
              if (causal ? key > row : key >= len) s[mt][n][i] = -INFINITY;
            }
          }
        }

        // Online softmax (base 2): new row max, rescale of O and l, P = exp2(S*scale - max).
        float mx[2] = {m[mt][0], m[mt][1]};
#pragma unroll
        for (int n = 0; n < kKeyTiles; ++n) {
#pragma unroll
          for (int i = 0; i < 4; ++i) mx[i >> 1] = fmaxf(mx[i >> 1], s[mt][n][i] * scale);
        }
        float m_use[2], alpha[2], row_sum[2] = {0.0f, 0.0f};
#pragma unroll
        for (int r = 0; r < 2; ++r) {
          mx[r] = fmaxf(mx[r], __shfl_xor_sync(0xffffffffu, mx[r], 1));
          mx[r] = fmaxf(mx[r], __shfl_xor_sync(0xffffffffu, mx[r], 2));
          m_use[r] = mx[r] == -INFINITY ? 0.0f : mx[r];  // a fully masked row stays at P = 0
          alpha[r] = exp2f(m[mt][r] - m_use[r]);
          m[mt][r] = mx[r];
        }
#pragma unroll
        for (int n = 0; n < kKeyTiles; ++n) {
#pragma unroll
          for (int i = 0; i < 4; ++i) {
            s[mt][n][i] = exp2f(s[mt][n][i] * scale - m_use[i >> 1]);
            row_sum[i >> 1] += s[mt][n][i];
          }
        }
#pragma unroll
        for (int r = 0; r < 2; ++r)
          l[mt][r] = l[mt][r] * alpha[r] + row_sum[r];  // lane-partial; quad-reduced at the end
#pragma unroll
        for (int dn = 0; dn < kDimTiles; ++dn) {
          o[mt][dn][0] *= alpha[0];
          o[mt][dn][1] *= alpha[0];
          o[mt][dn][2] *= alpha[1];
          o[mt][dn][3] *= alpha[1];
        }
      }

      // O += P V: the S accumulators of key tiles 2j, 2j+1 are exactly the A fragment of k-step j;
      // each V fragment pair feeds every m-tile.
#pragma unroll
      for (int j = 0; j < kBk / 16; ++j) {
        std::uint32_t pa[kM][4];
#pragma unroll
        for (int mt = 0; mt < kM; ++mt) {
          pa[mt][0] = pack_bf16x2(s[mt][2 * j][0], s[mt][2 * j][1]);
          pa[mt][1] = pack_bf16x2(s[mt][2 * j][2], s[mt][2 * j][3]);
          pa[mt][2] = pack_bf16x2(s[mt][2 * j + 1][0], s[mt][2 * j + 1][1]);
          pa[mt][3] = pack_bf16x2(s[mt][2 * j + 1][2], s[mt][2 * j + 1][3]);
        }
#pragma unroll
        for (int dn = 0; dn < kDimTiles; dn += 2) {
          std::uint32_t vb[4];
          ldmatrix_x4_trans(vb,
                            v_s + (j * 16 + mma_layout::v_tile_row(lane)) * S + dn * 8 + mma_layout::v_tile_col(lane));
#pragma unroll
          for (int mt = 0; mt < kM; ++mt) {
            mma_bf16_16816(o[mt][dn], pa[mt], vb[0], vb[1]);
            mma_bf16_16816(o[mt][dn + 1], pa[mt], vb[2], vb[3]);
          }
        }
      }
    }
    __syncthreads();  // this stage is overwritten by the prefetch of the next iteration
  }

#pragma unroll
  for (int mt = 0; mt < kM; ++mt) {
#pragma unroll
    for (int r = 0; r < 2; ++r) {
      float sum = l[mt][r];
      sum += __shfl_xor_sync(0xffffffffu, sum, 1);
      sum += __shfl_xor_sync(0xffffffffu, sum, 2);
      const int row = lane_row + mt * 16 + r * 8;
      if (row < len) {
        const float inv = 1.0f / sum;
        float* dst = p.out + (std::size_t(seq_start + row) * p.heads + h) * D + (lane % 4) * 2;
#pragma unroll
        for (int dn = 0; dn < kDimTiles; ++dn) {
          *reinterpret_cast<float2*>(dst + dn * 8) = make_float2(o[mt][dn][2 * r] * inv, o[mt][dn][2 * r + 1] * inv);
        }
      }
    }
  }
}

// Host side (one .cu per instantiation keeps each compile short): raise the dynamic
// shared-memory limit once, then launch. MTiles = 2 is cuda.flash_mma, 1 is cuda.flash_mma_b64.
template <int D, int MTiles>
void set_flash_mma_smem_limit();
template <int D, int MTiles>
void launch_flash_mma_prefill(const PrefillParams& p, cudaStream_t stream);

}  // namespace moelab::kernels::attention::cuda_impl
