// cuda.mla_mma mla.decode: split-KV MLA decoding on tensor cores (mma.sync m16n8k16 bf16 -> fp32),
// the absorbed form FlashMLA computes. The problem is a small-M GEMM pair per sequence: S = Q K^T
// with M = heads (64 per block), K = 576 dims, N = keys; O = P V with V = the first 512 dims of the
// same cache rows. Decode with h_q = 128 is compute-bound (FlashMLA's deep dive, 2025-04-22), so
// both products run on tensor cores and each cache row is loaded once per block and used twice.
//
//   grid   (split, head block of 64 heads, sequence); splits sized to fill the GPU
//   block  8 warps = 4 row groups (16 heads each) x 2 halves. For S, the halves split the 576
//          reduction dims (288 each, 18 k-steps) and exchange partial scores through shared
//          memory; for O, the halves own 256 of the 512 output dims each (o: 32 n-tiles x 4 fp32)
//   tiles  32 keys per step, double-buffered in shared memory with cp.async (16-byte chunks,
//          rows gathered through the block table, zero-filled past the split's end); Q (64 x 576)
//          staged once; rows padded by 8 bf16 so ldmatrix's 8 row addresses hit distinct banks
//   softmax online, base 2, per row (both halves hold the full S and compute it identically);
//          P re-packed from the S accumulators into bf16 A fragments as in cuda.flash_mma
//   output each split writes its normalised partial and log2-sum-exp, merged by
//          combine_partials_kernel (decode_split.cuh); with one split the block writes the output
#include <algorithm>
#include <memory>

#include "kernels/attention/cuda/decode_split.cuh"
#include "kernels/attention/cuda/mma_layout.hpp"
#include "kernels/attention/cuda/mma_ptx.cuh"
#include "kernels/common/cuda/check.cuh"
#include "kernels/common/cuda/cuda_prepared_run.cuh"
#include "kernels/common/cuda/launch.cuh"
#include "kernels/common/cuda_device.hpp"
#include "kernels/common/variant.hpp"
#include "kernels/mla/cuda/device_mla.cuh"
#include "kernels/router/detail/fn_variant.hpp"

namespace moelab::kernels::mla {
namespace {

using namespace ::moelab::kernels::attention::cuda_impl;  // ldmatrix, mma, cp.async helpers
namespace layout = ::moelab::kernels::attention::mma_layout;

constexpr int kQk = 576, kLatent = 512;
constexpr int kHeadsPerBlock = 64;
constexpr int kThreads = 256;
constexpr int kTileKeys = 32;
constexpr int kStride = kQk + 8;         // bf16 per shared row
constexpr int kChunksPerRow = kQk / 8;   // 16-byte chunks
constexpr int kQkHalf = kQk / 2;         // reduction dims per half (288 = 18 k-steps)
constexpr int kVHalf = kLatent / 2;      // output dims per half (256 = 32 n-tiles)
constexpr int kSStride = kTileKeys + 1;  // fp32 exchange row, padded
constexpr int kSmemBytes = (kHeadsPerBlock + 2 * kTileKeys) * kStride * 2 + 2 * kHeadsPerBlock * kSStride * 4;
constexpr float kLog2e = 1.4426950408889634f;

__global__ void __launch_bounds__(kThreads, 1)
    mla_mma_kernel(MlaDecodeParams p, int split_keys, int splits, float* partial_o, float* partial_lse) {
  extern __shared__ __align__(16) std::uint16_t smem[];
  std::uint16_t* sQ = smem;
  std::uint16_t* sKV = sQ + kHeadsPerBlock * kStride;
  float* sS = reinterpret_cast<float*>(sKV + 2 * kTileKeys * kStride);  // [2 halves][64 rows][kSStride]

  const int split = blockIdx.x, head0 = blockIdx.y * kHeadsPerBlock, b = blockIdx.z;
  const int tid = threadIdx.x, warp = tid / 32, lane = tid % 32;
  const int rg = warp & 3, half = warp >> 2;
  const int ctx = p.context_lens[b];
  const int begin = split * split_keys;
  const int end = min(ctx, begin + split_keys);
  const std::int32_t* pages = p.block_table + std::size_t(b) * p.max_pages_per_seq;

  // Q rows of this head block (rows past the last head are zero).
  for (int c = tid; c < kHeadsPerBlock * kChunksPerRow; c += kThreads) {
    const int r = c / kChunksPerRow, col = (c % kChunksPerRow) * 8;
    const bool ok = head0 + r < p.heads;
    const std::uint16_t* src = p.q + (std::size_t(b) * p.heads + (ok ? head0 + r : 0)) * kQk + col;
    cp_async_16(sQ + r * kStride + col, src, ok);
  }
  auto load_tile = [&](std::uint16_t* dst, int key0) {
    for (int c = tid; c < kTileKeys * kChunksPerRow; c += kThreads) {
      const int j = c / kChunksPerRow, col = (c % kChunksPerRow) * 8;
      const int t = key0 + j;
      const bool ok = t < end;
      const int tt = ok ? t : begin;
      const std::size_t slot = std::size_t(pages[tt / p.page_size]) * p.page_size + tt % p.page_size;
      cp_async_16(dst + j * kStride + col, p.kv_cache + slot * kQk + col, ok);
    }
  };
  const int n_tiles = end > begin ? (end - begin + kTileKeys - 1) / kTileKeys : 0;
  if (n_tiles > 0) load_tile(sKV, begin);
  cp_async_commit();

  float o[kVHalf / 8][4];
#pragma unroll
  for (int dn = 0; dn < kVHalf / 8; ++dn) o[dn][0] = o[dn][1] = o[dn][2] = o[dn][3] = 0.0f;
  float m[2] = {-INFINITY, -INFINITY}, l[2] = {0.0f, 0.0f};
  const float scale = p.sm_scale * kLog2e;
  const int row_base = rg * 16;  // this warp's 16 rows of the block

  for (int kt = 0; kt < n_tiles; ++kt) {
    const int stage = kt & 1;
    const int key0 = begin + kt * kTileKeys;
    if (kt + 1 < n_tiles) load_tile(sKV + (stage ^ 1) * kTileKeys * kStride, key0 + kTileKeys);
    cp_async_commit();
    cp_async_wait<1>();
    __syncthreads();
    const std::uint16_t* kv = sKV + stage * kTileKeys * kStride;

    // Partial S over this half's 288 dims: 16 rows x 32 keys (4 n-tiles).
    float s[4][4];
#pragma unroll
    for (int n = 0; n < 4; ++n) s[n][0] = s[n][1] = s[n][2] = s[n][3] = 0.0f;
#pragma unroll 6
    for (int kk = 0; kk < kQkHalf / 16; ++kk) {
      const int k0 = half * kQkHalf + kk * 16;
      std::uint32_t qa[4];
      ldmatrix_x4(qa, sQ + (row_base + layout::a_tile_row(lane)) * kStride + k0 + layout::a_tile_col(lane));
#pragma unroll
      for (int n = 0; n < 4; n += 2) {
        std::uint32_t kb[4];
        ldmatrix_x4(kb, kv + (n * 8 + layout::k_tile_row(lane)) * kStride + k0 + layout::k_tile_col(lane));
        mma_bf16_16816(s[n], qa, kb[0], kb[1]);
        mma_bf16_16816(s[n + 1], qa, kb[2], kb[3]);
      }
    }
    // Exchange the halves' partial scores: both warps of a row group end up with the full S.
    float* mine = sS + (half * kHeadsPerBlock + row_base) * kSStride;
    const float* theirs = sS + ((half ^ 1) * kHeadsPerBlock + row_base) * kSStride;
#pragma unroll
    for (int n = 0; n < 4; ++n) {
#pragma unroll
      for (int i = 0; i < 4; ++i) mine[layout::c_row(lane, i) * kSStride + n * 8 + layout::c_col(lane, i)] = s[n][i];
    }
    __syncthreads();
#pragma unroll
    for (int n = 0; n < 4; ++n) {
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        const int key = key0 + n * 8 + layout::c_col(lane, i);
        const float full = s[n][i] + theirs[layout::c_row(lane, i) * kSStride + n * 8 + layout::c_col(lane, i)];
        s[n][i] = key < end ? full * scale : -INFINITY;
      }
    }

    // Online softmax (base 2) for the warp's rows lane/4 and lane/4 + 8.
    float mx[2] = {m[0], m[1]};
#pragma unroll
    for (int n = 0; n < 4; ++n) {
#pragma unroll
      for (int i = 0; i < 4; ++i) mx[i >> 1] = fmaxf(mx[i >> 1], s[n][i]);
    }
    float alpha[2], row_sum[2] = {0.0f, 0.0f};
#pragma unroll
    for (int r = 0; r < 2; ++r) {
      mx[r] = fmaxf(mx[r], __shfl_xor_sync(0xffffffffu, mx[r], 1));
      mx[r] = fmaxf(mx[r], __shfl_xor_sync(0xffffffffu, mx[r], 2));
      alpha[r] = exp2f(m[r] - mx[r]);  // key0 < end: mx is finite
      m[r] = mx[r];
    }
#pragma unroll
    for (int n = 0; n < 4; ++n) {
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        s[n][i] = exp2f(s[n][i] - m[i >> 1]);
        row_sum[i >> 1] += s[n][i];
      }
    }
#pragma unroll
    for (int r = 0; r < 2; ++r) l[r] = l[r] * alpha[r] + row_sum[r];  // lane-partial; quad-reduced at the end
#pragma unroll
    for (int dn = 0; dn < kVHalf / 8; ++dn) {
      o[dn][0] *= alpha[0];
      o[dn][1] *= alpha[0];
      o[dn][2] *= alpha[1];
      o[dn][3] *= alpha[1];
    }

    // O += P V over this half's 256 latent dims; V rows are the cache rows already in shared memory.
#pragma unroll
    for (int j = 0; j < kTileKeys / 16; ++j) {
      std::uint32_t pa[4];
      pa[0] = pack_bf16x2(s[2 * j][0], s[2 * j][1]);
      pa[1] = pack_bf16x2(s[2 * j][2], s[2 * j][3]);
      pa[2] = pack_bf16x2(s[2 * j + 1][0], s[2 * j + 1][1]);
      pa[3] = pack_bf16x2(s[2 * j + 1][2], s[2 * j + 1][3]);
#pragma unroll
      for (int dn = 0; dn < kVHalf / 8; dn += 2) {
        std::uint32_t vb[4];
        ldmatrix_x4_trans(
            vb, kv + (j * 16 + layout::v_tile_row(lane)) * kStride + half * kVHalf + dn * 8 + layout::v_tile_col(lane));
        mma_bf16_16816(o[dn], pa, vb[0], vb[1]);
        mma_bf16_16816(o[dn + 1], pa, vb[2], vb[3]);
      }
    }
    __syncthreads();  // this stage and the exchange buffer are rewritten next iteration
  }
  cp_async_wait<0>();

  // Rows lane/4 and lane/4 + 8 of the warp: normalise, write partial (+ lse) or the output.
#pragma unroll
  for (int r = 0; r < 2; ++r) {
    float sum = l[r];
    sum += __shfl_xor_sync(0xffffffffu, sum, 1);
    sum += __shfl_xor_sync(0xffffffffu, sum, 2);
    const int head = head0 + row_base + lane / 4 + r * 8;
    if (head >= p.heads) continue;
    const std::size_t row = std::size_t(b) * p.heads + head;
    const float inv = sum > 0.0f ? 1.0f / sum : 0.0f;
    float* dst = splits == 1 ? p.out + row * kLatent : partial_o + (row * splits + split) * kLatent;
    dst += half * kVHalf + (lane % 4) * 2;
#pragma unroll
    for (int dn = 0; dn < kVHalf / 8; ++dn) {
      *reinterpret_cast<float2*>(dst + dn * 8) = make_float2(o[dn][2 * r] * inv, o[dn][2 * r + 1] * inv);
    }
    if (splits > 1 && half == 0 && lane % 4 == 0) {
      partial_lse[row * splits + split] = sum > 0.0f ? m[r] + log2f(sum) : -INFINITY;
    }
  }
}

struct Plan {
  int split_keys = 0;
  int splits = 1;
  int head_blocks = 1;
};

// Enough splits that the grid covers every SM about twice (one block per SM fits), in multiples
// of the tile; never more splits than tiles.
Plan plan(const MlaDecodeParams& p) {
  Plan pl;
  const int sms = cuda_device_info().has_value() ? cuda_device_info()->sm_count : 132;
  pl.head_blocks = (p.heads + kHeadsPerBlock - 1) / kHeadsPerBlock;
  const long long per_split = static_cast<long long>(pl.head_blocks) * p.batch;
  const long long want = std::max<long long>(1, (2LL * sms + per_split - 1) / per_split);
  int keys = static_cast<int>((p.max_context_len + want - 1) / want);
  keys = std::max(4 * kTileKeys, (keys + kTileKeys - 1) / kTileKeys * kTileKeys);
  pl.split_keys = keys;
  pl.splits = (p.max_context_len + keys - 1) / keys;
  return pl;
}

struct State {
  std::unique_ptr<DeviceMlaDecode> d;
  Plan plan;
  cuda::DeviceBuffer<float> partial_o, partial_lse;
};

std::unique_ptr<PreparedRun> prepare(OpCase& c) {
  auto& mc = moe_detail::case_as<MlaDecodeCase>(c);
  auto st = std::make_shared<State>();
  st->d = std::make_unique<DeviceMlaDecode>(mc);
  st->plan = plan(st->d->params);
  const MlaDecodeParams& p = st->d->params;
  if (st->plan.splits > 1) {
    const std::size_t rows = std::size_t(p.batch) * p.heads * st->plan.splits;
    st->partial_o = cuda::DeviceBuffer<float>(rows * kLatent);
    st->partial_lse = cuda::DeviceBuffer<float>(rows);
  }
  CUDA_CHECK(cudaFuncSetAttribute(mla_mma_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, kSmemBytes));
  auto launch = [st](cudaStream_t s) {
    const MlaDecodeParams& p = st->d->params;
    const dim3 grid(st->plan.splits, st->plan.head_blocks, p.batch);
    cuda::launch(mla_mma_kernel, grid, kThreads, kSmemBytes, s, p, st->plan.split_keys, st->plan.splits,
                 st->partial_o.data(), st->partial_lse.data());
    if (st->plan.splits > 1) {
      cuda::launch(combine_partials_kernel<kLatent>, p.batch * p.heads, kLatent, 0, s, st->partial_o.data(),
                   st->partial_lse.data(), st->plan.splits, p.out);
    }
  };
  return std::make_unique<cuda::CudaPreparedRun>(
      launch, [st, &mc] { st->d->out.download(std::span<float>(mc.out.data(), mc.out.size())); });
}

}  // namespace

std::unique_ptr<Variant> make_mla_decode_cuda_mla_mma() {
  return std::make_unique<moe_detail::FnVariant>(
      kMlaDecodeOp, Backend::cuda, "mla_mma",
      "split-KV MLA decode on mma.sync m16n8k16 bf16: 64 heads per block, 32-key paged tiles double-buffered with "
      "cp.async, QK^T split over 2 warp halves + score exchange, PV from the same tiles, log-sum-exp combine",
      [](const OpCase& c) {
        const auto& mc = dynamic_cast<const MlaDecodeCase&>(c);
        return mc.shape().kv_lora == kLatent && mc.shape().kv_lora + mc.shape().rope == kQk;
      },
      prepare, [] { return cuda_device_available(); });
}

}  // namespace moelab::kernels::mla
