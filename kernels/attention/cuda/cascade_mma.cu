// cuda.cascade_mma: cascade decode with the shared-prefix pass on tensor cores, as FlashInfer's
// cascade attention does it (Ye et al., "Cascade Inference", flashinfer.ai 2024-02; FlashInfer,
// arXiv 2501.01005): the queries of all sequences that share the prefix are one multi-query
// attention problem against the prefix K/V, so the prefix pass is a (non-causal) prefill with
// M = batch x group query rows per kv head instead of batch separate decodes; its partial outputs
// and log-sum-exps are merged with each query's own suffix (the CUDA-core split-KV pass of
// cuda.cascade_decode) by the same combine kernel.
//
// Prefix pass: the flash_mma schedule (mma.sync m16n8k16 bf16 -> fp32) with 4 warps x 16 rows =
// 64 query rows of one kv head per block, gathered from q (row r -> sequence r / group, head
// kv_head * group + r % group); 64-key tiles of the prefix double-buffered with cp.async;
// base-2 online softmax; each (row tile, prefix chunk) writes a normalised partial and its
// log2-sum-exp. Chunks are sized so the grid covers the GPU about four blocks deep.
#include <algorithm>
#include <memory>

#include "kernels/attention/cuda/cascade_suffix.cuh"
#include "kernels/attention/cuda/device_cases.cuh"
#include "kernels/attention/cuda/mma_layout.hpp"
#include "kernels/attention/cuda/mma_ptx.cuh"
#include "kernels/common/cuda/launch.cuh"
#include "kernels/common/variant.hpp"

namespace moelab::kernels::attention {
namespace cuda_impl {
namespace {

constexpr int kWarps = 4;
constexpr int kThreads = kWarps * 32;
constexpr int kRowsPerBlock = kWarps * 16;
constexpr int kTileKeys = 64;

template <int D>
struct PrefixConfig {
  static constexpr int kStride = D + 8;                                             // padded shared row (bf16)
  static constexpr int kSmemBytes = (kRowsPerBlock + 4 * kTileKeys) * kStride * 2;  // Q + 2 stages of K and V
};

template <int D>
__global__ void __launch_bounds__(kThreads)
    cascade_prefix_mma_kernel(CascadeDecodeParams p, int chunk_keys, int n_slots, float* partial_o,
                              float* partial_lse) {
  constexpr int S = PrefixConfig<D>::kStride;
  constexpr int kSteps = D / 16, kDimTiles = D / 8, kKeyTiles = kTileKeys / 8, kChunksPerRow = D / 8;
  constexpr float kLog2e = 1.4426950408889634f;
  extern __shared__ __align__(16) std::uint16_t smem[];
  std::uint16_t* sQ = smem;
  std::uint16_t* sK = sQ + kRowsPerBlock * S;
  std::uint16_t* sV = sK + 2 * kTileKeys * S;

  const int chunk = blockIdx.x, hk = blockIdx.y, row_tile = blockIdx.z;
  const int group = p.heads / p.kv_heads;
  const int n_rows = p.batch * group;
  const int row0 = row_tile * kRowsPerBlock;
  const int begin = chunk * chunk_keys, end = min(p.prefix_len, begin + chunk_keys);
  const int tid = threadIdx.x, warp = tid / 32, lane = tid % 32;
  const std::size_t kv_stride = std::size_t(p.kv_heads) * D;
  auto q_row = [&](int r) { return std::size_t(r / group) * p.heads + std::size_t(hk) * group + r % group; };

  for (int c = tid; c < kRowsPerBlock * kChunksPerRow; c += kThreads) {
    const int r = c / kChunksPerRow, col = (c % kChunksPerRow) * 8;
    const bool ok = row0 + r < n_rows;
    cp_async_16(sQ + r * S + col, p.q + q_row(ok ? row0 + r : 0) * D + col, ok);
  }
  auto load_kv = [&](std::uint16_t* dk, std::uint16_t* dv, int key0) {
    for (int c = tid; c < kTileKeys * kChunksPerRow; c += kThreads) {
      const int j = c / kChunksPerRow, col = (c % kChunksPerRow) * 8;
      const int t = key0 + j;
      const bool ok = t < end;
      const std::size_t src = std::size_t(ok ? t : begin) * kv_stride + std::size_t(hk) * D + col;
      cp_async_16(dk + j * S + col, p.k_prefix + src, ok);
      cp_async_16(dv + j * S + col, p.v_prefix + src, ok);
    }
  };
  const int n_tiles = (end - begin + kTileKeys - 1) / kTileKeys;
  load_kv(sK, sV, begin);
  cp_async_commit();

  float o[kDimTiles][4];
#pragma unroll
  for (int dn = 0; dn < kDimTiles; ++dn) o[dn][0] = o[dn][1] = o[dn][2] = o[dn][3] = 0.0f;
  float m[2] = {-INFINITY, -INFINITY}, l[2] = {0.0f, 0.0f};
  const float scale = p.sm_scale * kLog2e;

  for (int kt = 0; kt < n_tiles; ++kt) {
    const int stage = kt & 1;
    const int key0 = begin + kt * kTileKeys;
    if (kt + 1 < n_tiles) load_kv(sK + (stage ^ 1) * kTileKeys * S, sV + (stage ^ 1) * kTileKeys * S, key0 + kTileKeys);
    cp_async_commit();
    cp_async_wait<1>();
    __syncthreads();
    const std::uint16_t* k_s = sK + stage * kTileKeys * S;
    const std::uint16_t* v_s = sV + stage * kTileKeys * S;

    float s[kKeyTiles][4];
#pragma unroll
    for (int n = 0; n < kKeyTiles; ++n) s[n][0] = s[n][1] = s[n][2] = s[n][3] = 0.0f;
#pragma unroll
    for (int kk = 0; kk < kSteps; ++kk) {
      std::uint32_t qa[4];
      ldmatrix_x4(qa, sQ + (warp * 16 + mma_layout::a_tile_row(lane)) * S + kk * 16 + mma_layout::a_tile_col(lane));
#pragma unroll
      for (int n = 0; n < kKeyTiles; n += 2) {
        std::uint32_t kb[4];
        ldmatrix_x4(kb, k_s + (n * 8 + mma_layout::k_tile_row(lane)) * S + kk * 16 + mma_layout::k_tile_col(lane));
        mma_bf16_16816(s[n], qa, kb[0], kb[1]);
        mma_bf16_16816(s[n + 1], qa, kb[2], kb[3]);
      }
    }
    // Keys past the chunk (zero-filled) are masked; every row sees key0 < end.
    float mx[2] = {m[0], m[1]};
#pragma unroll
    for (int n = 0; n < kKeyTiles; ++n) {
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        const int key = key0 + n * 8 + mma_layout::c_col(lane, i);
        s[n][i] = key < end ? s[n][i] * scale : -INFINITY;
        mx[i >> 1] = fmaxf(mx[i >> 1], s[n][i]);
      }
    }
    float alpha[2], row_sum[2] = {0.0f, 0.0f};
#pragma unroll
    for (int r = 0; r < 2; ++r) {
      mx[r] = fmaxf(mx[r], __shfl_xor_sync(0xffffffffu, mx[r], 1));
      mx[r] = fmaxf(mx[r], __shfl_xor_sync(0xffffffffu, mx[r], 2));
      alpha[r] = exp2f(m[r] - mx[r]);
      m[r] = mx[r];
    }
#pragma unroll
    for (int n = 0; n < kKeyTiles; ++n) {
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        s[n][i] = exp2f(s[n][i] - m[i >> 1]);
        row_sum[i >> 1] += s[n][i];
      }
    }
#pragma unroll
    for (int r = 0; r < 2; ++r) l[r] = l[r] * alpha[r] + row_sum[r];
#pragma unroll
    for (int dn = 0; dn < kDimTiles; ++dn) {
      o[dn][0] *= alpha[0];
      o[dn][1] *= alpha[0];
      o[dn][2] *= alpha[1];
      o[dn][3] *= alpha[1];
    }
#pragma unroll
    for (int j = 0; j < kTileKeys / 16; ++j) {
      std::uint32_t pa[4];
      pa[0] = pack_bf16x2(s[2 * j][0], s[2 * j][1]);
      pa[1] = pack_bf16x2(s[2 * j][2], s[2 * j][3]);
      pa[2] = pack_bf16x2(s[2 * j + 1][0], s[2 * j + 1][1]);
      pa[3] = pack_bf16x2(s[2 * j + 1][2], s[2 * j + 1][3]);
#pragma unroll
      for (int dn = 0; dn < kDimTiles; dn += 2) {
        std::uint32_t vb[4];
        ldmatrix_x4_trans(vb,
                          v_s + (j * 16 + mma_layout::v_tile_row(lane)) * S + dn * 8 + mma_layout::v_tile_col(lane));
        mma_bf16_16816(o[dn], pa, vb[0], vb[1]);
        mma_bf16_16816(o[dn + 1], pa, vb[2], vb[3]);
      }
    }
    __syncthreads();  // this stage is refilled by the next iteration's prefetch
  }
  cp_async_wait<0>();

#pragma unroll
  for (int r = 0; r < 2; ++r) {
    float sum = l[r];
    sum += __shfl_xor_sync(0xffffffffu, sum, 1);
    sum += __shfl_xor_sync(0xffffffffu, sum, 2);
    const int row = row0 + warp * 16 + lane / 4 + r * 8;
    if (row >= n_rows) continue;
    const std::size_t slot = q_row(row) * n_slots + chunk;
    const float inv = sum > 0.0f ? 1.0f / sum : 0.0f;
    float* dst = partial_o + slot * D + (lane % 4) * 2;
#pragma unroll
    for (int dn = 0; dn < kDimTiles; ++dn) {
      *reinterpret_cast<float2*>(dst + dn * 8) = make_float2(o[dn][2 * r] * inv, o[dn][2 * r + 1] * inv);
    }
    if (lane % 4 == 0) partial_lse[slot] = sum > 0.0f ? m[r] + log2f(sum) : -INFINITY;
  }
}

struct Plan {
  int chunk_keys = 0;
  int chunks = 0;
  int row_tiles = 0;
  int n_slots() const { return chunks + 1; }
};

Plan plan_prefix(const CascadeDecodeParams& p) {
  Plan plan;
  const int sms = cuda_device_info().has_value() ? cuda_device_info()->sm_count : 132;
  plan.row_tiles = (p.batch * (p.heads / p.kv_heads) + kRowsPerBlock - 1) / kRowsPerBlock;
  if (p.prefix_len > 0) {
    const long long per_chunk = static_cast<long long>(plan.row_tiles) * p.kv_heads;
    const long long want = std::max<long long>(1, (4LL * sms + per_chunk - 1) / per_chunk);
    int keys = static_cast<int>((p.prefix_len + want - 1) / want);
    keys = std::max(2 * kTileKeys, (keys + kTileKeys - 1) / kTileKeys * kTileKeys);
    plan.chunk_keys = keys;
    plan.chunks = (p.prefix_len + keys - 1) / keys;
  }
  return plan;
}

template <int D>
void launch(const CascadeDecodeParams& p, const Plan& plan, float* partial_o, float* partial_lse, cudaStream_t s) {
  if (plan.chunks > 0) {
    const dim3 grid(plan.chunks, p.kv_heads, plan.row_tiles);
    ::moelab::kernels::cuda::launch(cascade_prefix_mma_kernel<D>, grid, kThreads, PrefixConfig<D>::kSmemBytes, s, p,
                                    plan.chunk_keys, plan.n_slots(), partial_o, partial_lse);
  }
  launch_suffix_and_combine<D>(p, plan.n_slots(), partial_o, partial_lse, s);
}

struct Workspace {
  DeviceBuffer<float> partial_o, partial_lse;
};

}  // namespace
}  // namespace cuda_impl

using namespace cuda_impl;

std::unique_ptr<Variant> make_attention_decode_cascade_cuda_cascade_mma() {
  return std::make_unique<CudaVariant<CascadeDecodeCase, DeviceCascadeDecode>>(
      kCascadeDecodeOp, "cascade_mma",
      "shared prefix as one multi-query attention per kv head on tensor cores (mma.sync m16n8k16, 64 query rows x "
      "64-key tiles, cp.async double buffering), suffix by split-KV decode, log-sum-exp merge (FlashInfer cascade)",
      [](const CascadeDecodeCase& c) {
        const auto& h = c.shape().h;
        return (h.head_dim == 64 || h.head_dim == 128) && h.heads / h.kv_heads <= kMaxGroup;
      },
      [](DeviceCascadeDecode& d) -> std::function<void(cudaStream_t)> {
        const CascadeDecodeParams p = d.params;
        const Plan plan = plan_prefix(p);
        auto ws = std::make_shared<Workspace>();
        const std::size_t rows = std::size_t(p.batch) * p.heads * plan.n_slots();
        ws->partial_o = DeviceBuffer<float>(rows * p.head_dim);
        ws->partial_lse = DeviceBuffer<float>(rows);
        if (p.head_dim == 64) {
          CUDA_CHECK(cudaFuncSetAttribute(cascade_prefix_mma_kernel<64>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                          PrefixConfig<64>::kSmemBytes));
        } else {
          CUDA_CHECK(cudaFuncSetAttribute(cascade_prefix_mma_kernel<128>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                          PrefixConfig<128>::kSmemBytes));
        }
        return [p, plan, ws](cudaStream_t s) {
          if (p.head_dim == 64)
            launch<64>(p, plan, ws->partial_o.data(), ws->partial_lse.data(), s);
          else
            launch<128>(p, plan, ws->partial_o.data(), ws->partial_lse.data(), s);
        };
      });
}

}  // namespace moelab::kernels::attention
