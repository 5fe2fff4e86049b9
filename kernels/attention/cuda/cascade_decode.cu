// cuda.cascade_decode: decode queries that share one prefix (as in prefix caching / beam or
// parallel sampling). Three launches:
//   1. prefix pass: the prefix K/V is staged through shared memory tile by tile and every
//      query row of a kv head's group (batch x group rows, 32 per block) is attended against the
//      tile while it is resident, so each prefix K/V byte comes from HBM once per kv head and is
//      reused from shared memory by all queries. The prefix is split into chunks to fill the GPU;
//      each (row, chunk) leaves a normalized partial and its log2-sum-exp.
//   2. suffix pass: each query's own suffix with the split-KV decode core (decode_split.cuh).
//   3. combine: the prefix chunks and the suffix partial merged by log-sum-exp.
// The prefix pass runs on CUDA cores (fp32 FMAs); cuda.cascade_mma (cascade_mma.cu) runs it on
// tensor cores.
#include <algorithm>

#include "kernels/attention/cuda/cascade_suffix.cuh"
#include "kernels/attention/cuda/decode_split.cuh"
#include "kernels/attention/cuda/device_cases.cuh"
#include "kernels/common/cuda/launch.cuh"
#include "kernels/common/variant.hpp"

namespace moelab::kernels::attention {
namespace cuda_impl {
namespace {

constexpr int kRowsPerBlock = 32;  // query rows (query, head) of one kv head per block
constexpr int kRowsPerWarp = kRowsPerBlock / kDecodeWarps;
constexpr int kKeysPerTile = 32;  // one key per lane for the scores

template <int D>
__global__ void __launch_bounds__(kDecodeThreads)
    cascade_prefix_kernel(CascadeDecodeParams p, int chunk_keys, int n_slots, float* partial_o, float* partial_lse) {
  constexpr int kWords = D / 2;         // bf16x2 words per row
  constexpr int kKStride = kWords + 1;  // padded: lane j reading word w of row j hits bank (j + w) % 32
  constexpr int kDimsPerLane = D / 32;  // as bf16x2 pairs: words lane and lane + 32 (D = 128)
  __shared__ float sQ[kRowsPerBlock][D];
  __shared__ std::uint32_t sK[kKeysPerTile][kKStride];
  __shared__ std::uint32_t sV[kKeysPerTile][kWords];

  const int chunk = blockIdx.x, hk = blockIdx.y, row_tile = blockIdx.z;
  const int group = p.heads / p.kv_heads;
  const int n_rows = p.batch * group;
  const int begin = chunk * chunk_keys, end = min(p.prefix_len, begin + chunk_keys);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const float scale = p.sm_scale * kLog2e;

  // Query rows of this block -> shared memory (fp32, pre-scaled).
  auto q_row_index = [&](int r) {  // row r of the kv head's group -> row of q/out ([batch*heads])
    return std::size_t(r / group) * p.heads + std::size_t(hk) * group + r % group;
  };
  for (int i = threadIdx.x; i < kRowsPerBlock * D; i += kDecodeThreads) {
    const int r = row_tile * kRowsPerBlock + i / D;
    sQ[i / D][i % D] = r < n_rows ? bf16_to_float(p.q[q_row_index(r) * D + i % D]) * scale : 0.0f;
  }

  float m[kRowsPerWarp], l[kRowsPerWarp], acc[kRowsPerWarp][kDimsPerLane];
#pragma unroll
  for (int i = 0; i < kRowsPerWarp; ++i) {
    m[i] = -INFINITY;
    l[i] = 0.0f;
#pragma unroll
    for (int c = 0; c < kDimsPerLane; ++c) acc[i][c] = 0.0f;
  }

  const auto* k_words = reinterpret_cast<const std::uint32_t*>(p.k_prefix);
  const auto* v_words = reinterpret_cast<const std::uint32_t*>(p.v_prefix);
  for (int k0 = begin; k0 < end; k0 += kKeysPerTile) {
    __syncthreads();  // previous tile fully consumed (and sQ written, first time round)
    for (int i = threadIdx.x; i < kKeysPerTile * kWords; i += kDecodeThreads) {
      const int j = i / kWords, w = i % kWords, t = k0 + j;
      const std::size_t src = (std::size_t(t) * p.kv_heads + hk) * kWords + w;
      sK[j][w] = t < end ? k_words[src] : 0u;
      sV[j][w] = t < end ? v_words[src] : 0u;
    }
    __syncthreads();
    const bool key_valid = k0 + lane < end;
#pragma unroll
    for (int i = 0; i < kRowsPerWarp; ++i) {
      const int r_local = warp * kRowsPerWarp + i;
      float s = 0.0f;
#pragma unroll 8
      for (int w = 0; w < kWords; ++w) {
        const std::uint32_t kw = sK[lane][w];
        s +=
            sQ[r_local][2 * w] * __uint_as_float(kw << 16) + sQ[r_local][2 * w + 1] * __uint_as_float(kw & 0xffff0000u);
      }
      s = key_valid ? s : -INFINITY;
      float tile_max = s;
#pragma unroll
      for (int off = 16; off > 0; off /= 2) tile_max = fmaxf(tile_max, __shfl_xor_sync(0xffffffffu, tile_max, off));
      const float m_new = fmaxf(m[i], tile_max);  // finite: key k0 is always valid
      const float alpha = exp2f(m[i] - m_new);
      const float prob = exp2f(s - m_new);
      float prob_sum = prob;
#pragma unroll
      for (int off = 16; off > 0; off /= 2) prob_sum += __shfl_xor_sync(0xffffffffu, prob_sum, off);
      l[i] = l[i] * alpha + prob_sum;
      m[i] = m_new;
#pragma unroll
      for (int c = 0; c < kDimsPerLane; ++c) acc[i][c] *= alpha;
#pragma unroll 8
      for (int j = 0; j < kKeysPerTile; ++j) {
        const float pj = __shfl_sync(0xffffffffu, prob, j);
#pragma unroll
        for (int c = 0; c < kDimsPerLane / 2; ++c) {
          const std::uint32_t vw = sV[j][lane + 32 * c];
          acc[i][2 * c] += pj * __uint_as_float(vw << 16);
          acc[i][2 * c + 1] += pj * __uint_as_float(vw & 0xffff0000u);
        }
      }
    }
  }

#pragma unroll
  for (int i = 0; i < kRowsPerWarp; ++i) {
    const int r = row_tile * kRowsPerBlock + warp * kRowsPerWarp + i;
    if (r >= n_rows) continue;
    const std::size_t slot = q_row_index(r) * n_slots + chunk;
    float* o = partial_o + slot * D;
#pragma unroll
    for (int c = 0; c < kDimsPerLane / 2; ++c) {
      const int dim = 2 * (lane + 32 * c);
      o[dim] = l[i] > 0.0f ? acc[i][2 * c] / l[i] : 0.0f;
      o[dim + 1] = l[i] > 0.0f ? acc[i][2 * c + 1] / l[i] : 0.0f;
    }
    if (lane == 0) partial_lse[slot] = l[i] > 0.0f ? m[i] + log2f(l[i]) : -INFINITY;
  }
}

struct CascadePlan {
  int chunk_keys = 0;
  int chunks = 0;  // prefix chunks
  int row_tiles = 0;
  int n_slots() const { return chunks + 1; }
};

CascadePlan plan_cascade(const CascadeDecodeParams& p) {
  CascadePlan plan;
  const int sms = cuda_device_info().has_value() ? cuda_device_info()->sm_count : 132;
  const int group = p.heads / p.kv_heads;
  plan.row_tiles = (p.batch * group + kRowsPerBlock - 1) / kRowsPerBlock;
  if (p.prefix_len > 0) {
    const long long blocks_per_chunk = static_cast<long long>(plan.row_tiles) * p.kv_heads;
    const long long want_chunks = std::max<long long>(1, (4LL * sms + blocks_per_chunk - 1) / blocks_per_chunk);
    int keys = static_cast<int>((p.prefix_len + want_chunks - 1) / want_chunks);
    keys = std::max(4 * kKeysPerTile, (keys + kKeysPerTile - 1) / kKeysPerTile * kKeysPerTile);
    plan.chunk_keys = keys;
    plan.chunks = (p.prefix_len + keys - 1) / keys;
  }
  return plan;
}

template <int D>
void launch(const CascadeDecodeParams& p, const CascadePlan& plan, float* partial_o, float* partial_lse,
            cudaStream_t s) {
  if (plan.chunks > 0) {
    const dim3 grid(plan.chunks, p.kv_heads, plan.row_tiles);
    ::moelab::kernels::cuda::launch(cascade_prefix_kernel<D>, grid, kDecodeThreads, 0, s, p, plan.chunk_keys,
                                    plan.n_slots(), partial_o, partial_lse);
  }
  launch_suffix_and_combine<D>(p, plan.n_slots(), partial_o, partial_lse, s);
}

struct Workspace {
  DeviceBuffer<float> partial_o, partial_lse;
};

}  // namespace
}  // namespace cuda_impl

using namespace cuda_impl;

std::unique_ptr<Variant> make_attention_decode_cascade_cuda_cascade_decode() {
  return std::make_unique<CudaVariant<CascadeDecodeCase, DeviceCascadeDecode>>(
      kCascadeDecodeOp, "cascade_decode",
      "shared prefix staged in shared memory once for all queries of a kv head, suffix by split-KV decode, "
      "log-sum-exp merge",
      [](const CascadeDecodeCase& c) {
        const auto& h = c.shape().h;
        return (h.head_dim == 64 || h.head_dim == 128) && h.heads / h.kv_heads <= kMaxGroup;
      },
      [](DeviceCascadeDecode& d) -> std::function<void(cudaStream_t)> {
        const CascadeDecodeParams p = d.params;
        const CascadePlan plan = plan_cascade(p);
        auto ws = std::make_shared<Workspace>();
        const std::size_t rows = std::size_t(p.batch) * p.heads * plan.n_slots();
        ws->partial_o = DeviceBuffer<float>(rows * p.head_dim);
        ws->partial_lse = DeviceBuffer<float>(rows);
        return [p, plan, ws](cudaStream_t s) {
          if (p.head_dim == 64)
            launch<64>(p, plan, ws->partial_o.data(), ws->partial_lse.data(), s);
          else
            launch<128>(p, plan, ws->partial_o.data(), ws->partial_lse.data(), s);
        };
      });
}

}  // namespace moelab::kernels::attention
