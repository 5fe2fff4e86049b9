// cuda.grouped_mma grouped_gemm: one persistent launch for all groups, tensor cores through
// mma.sync m16n8k16 (bf16 in, fp32 accumulate), cp.async staging.
//
// Tile scheduler: every CTA first turns m_offsets (device memory, as a router leaves it) into a
// prefix sum of per-group tile counts ceil(M_g / 128) * ceil(N / 128) in shared memory (warp 0,
// 32 groups per step). Linear tile ids are then walked CTA-strided; a binary search over the
// prefix maps an id to its group, and the id's offset inside the group to (m-tile, n-tile) with
// the m-tile fastest, so CTAs running together share B_g's columns in L2. Empty groups own no
// tiles. The host never needs M_g: the grid is two CTAs per SM whatever the routing.
//
// CTA tile 128 x 128 x 32, 8 warps as 2 (M) x 4 (N), each warp 64 x 32 = 4 x 4 mma tiles.
// A and B tiles are staged row-major with K contiguous (B_g is stored N x K, i.e. the "col"
// operand mma wants) in a 3-stage cp.async ring; rows are padded to 40 elements (80 bytes) so
// the 8 row addresses of an ldmatrix fall in distinct bank groups. Rows past M_g or N and
// k past K are zero-filled by cp.async's src-size operand. Needs K % 8 == 0 and N % 8 == 0
// (16-byte chunks, bf16x2 stores); supports() says so.
#include <cuda_bf16.h>

#include <memory>

#include "kernels/common/cuda/check.cuh"
#include "kernels/common/cuda/cuda_prepared_run.cuh"
#include "kernels/common/cuda/launch.cuh"
#include "kernels/common/cuda_device.hpp"
#include "kernels/common/variant.hpp"
#include "kernels/grouped_gemm/cuda/device_grouped_gemm.cuh"
#include "kernels/router/detail/fn_variant.hpp"

namespace moelab::kernels::grouped_gemm {
namespace {

constexpr int kTileM = 128, kTileN = 128, kTileK = 32;
constexpr int kStages = 3;
constexpr int kThreads = 256;
constexpr int kRowStride = kTileK + 8;  // padded smem row, in bf16 elements
constexpr int kStageElems = (kTileM + kTileN) * kRowStride;
constexpr int kSmemBytes = kStages * kStageElems * 2;
constexpr int kMaxGroups = 1024;

__device__ __forceinline__ unsigned smem_addr(const void* p) {
  return static_cast<unsigned>(__cvta_generic_to_shared(p));
}

__device__ __forceinline__ void cp_async_16(void* dst, const void* src, bool valid) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(smem_addr(dst)), "l"(src), "r"(valid ? 16 : 0));
}
__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::); }
template <int N>
__device__ __forceinline__ void cp_async_wait() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(N));
}

__device__ __forceinline__ void ldmatrix_x4(unsigned (&r)[4], const void* p) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(smem_addr(p)));
}

__device__ __forceinline__ void mma_bf16(float (&c)[4], const unsigned (&a)[4], unsigned b0, unsigned b1) {
  asm volatile(
      "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
      "{%0,%1,%2,%3};\n"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

// Stage one kTileK slice: 128 rows of A and 128 rows of B, 4 chunks of 16 bytes per row.
__device__ __forceinline__ void load_stage(std::uint16_t* stage, const std::uint16_t* a, int a_rows,
                                           const std::uint16_t* b, int b_rows, int K, int k0) {
  std::uint16_t* sa = stage;
  std::uint16_t* sb = stage + kTileM * kRowStride;
#pragma unroll
  for (int i = 0; i < (kTileM * 4) / kThreads; ++i) {
    const int chunk = threadIdx.x + i * kThreads;
    const int row = chunk >> 2, col = (chunk & 3) * 8;
    const bool ok = row < a_rows && k0 + col < K;
    cp_async_16(sa + row * kRowStride + col, ok ? a + static_cast<std::size_t>(row) * K + k0 + col : a, ok);
  }
#pragma unroll
  for (int i = 0; i < (kTileN * 4) / kThreads; ++i) {
    const int chunk = threadIdx.x + i * kThreads;
    const int row = chunk >> 2, col = (chunk & 3) * 8;
    const bool ok = row < b_rows && k0 + col < K;
    cp_async_16(sb + row * kRowStride + col, ok ? b + static_cast<std::size_t>(row) * K + k0 + col : b, ok);
  }
}

__global__ void __launch_bounds__(kThreads, 2) grouped_mma_kernel(GroupedGemmParams p) {
  extern __shared__ __align__(16) std::uint16_t smem[];
  __shared__ int tile_start[kMaxGroups + 1];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int n_tiles = (p.n + kTileN - 1) / kTileN;

  // Tile prefix sum over groups (warp 0, 32 groups per step, shuffle scan).
  if (warp == 0) {
    int carry = 0;
    if (lane == 0) tile_start[0] = 0;
    for (int g0 = 0; g0 < p.groups; g0 += 32) {
      const int g = g0 + lane;
      int tiles = 0;
      if (g < p.groups) tiles = ((p.m_offsets[g + 1] - p.m_offsets[g] + kTileM - 1) / kTileM) * n_tiles;
#pragma unroll
      for (int off = 1; off < 32; off <<= 1) {
        const int up = __shfl_up_sync(0xffffffffu, tiles, off);
        if (lane >= off) tiles += up;
      }
      if (g < p.groups) tile_start[g + 1] = carry + tiles;
      carry += __shfl_sync(0xffffffffu, tiles, 31);
    }
  }
  __syncthreads();
  const int total_tiles = tile_start[p.groups];

  const int warp_m = (warp >> 2) * 64, warp_n = (warp & 3) * 32;
  for (int tile = blockIdx.x; tile < total_tiles; tile += gridDim.x) {
    int lo = 0, hi = p.groups;  // last g with tile_start[g] <= tile
    while (hi - lo > 1) {
      const int mid = (lo + hi) >> 1;
      if (tile_start[mid] <= tile)
        lo = mid;
      else
        hi = mid;
    }
    const int g = lo;
    const int local = tile - tile_start[g];
    const int row0 = p.m_offsets[g];
    const int m_rows = p.m_offsets[g + 1] - row0;
    const int m_tiles = (m_rows + kTileM - 1) / kTileM;
    const int m0 = (local % m_tiles) * kTileM, n0 = (local / m_tiles) * kTileN;
    const std::uint16_t* a = p.a + (static_cast<std::size_t>(row0) + m0) * p.k;
    const std::uint16_t* b = p.b + (static_cast<std::size_t>(g) * p.n + n0) * p.k;
    const int a_rows = m_rows - m0, b_rows = p.n - n0;

    float acc[4][4][4];
#pragma unroll
    for (int mi = 0; mi < 4; ++mi)
#pragma unroll
      for (int ni = 0; ni < 4; ++ni)
#pragma unroll
        for (int r = 0; r < 4; ++r) acc[mi][ni][r] = 0.0f;

    const int k_tiles = (p.k + kTileK - 1) / kTileK;
#pragma unroll
    for (int s = 0; s < kStages - 1; ++s) {
      if (s < k_tiles) load_stage(smem + s * kStageElems, a, a_rows, b, b_rows, p.k, s * kTileK);
      cp_async_commit();
    }
    for (int kt = 0; kt < k_tiles; ++kt) {
      cp_async_wait<kStages - 2>();
      __syncthreads();  // stage kt landed for everyone; stage kt-1 is free to overwrite
      const int next = kt + kStages - 1;
      if (next < k_tiles) load_stage(smem + (next % kStages) * kStageElems, a, a_rows, b, b_rows, p.k, next * kTileK);
      cp_async_commit();

      const std::uint16_t* sa = smem + (kt % kStages) * kStageElems;
      const std::uint16_t* sb = sa + kTileM * kRowStride;
#pragma unroll
      for (int kk = 0; kk < kTileK; kk += 16) {
        unsigned af[4][4], bfr[2][4];
#pragma unroll
        for (int mi = 0; mi < 4; ++mi) {
          const int row = warp_m + mi * 16 + (lane & 15), col = kk + (lane >> 4) * 8;
          ldmatrix_x4(af[mi], sa + row * kRowStride + col);
        }
#pragma unroll
        for (int nj = 0; nj < 2; ++nj) {
          const int row = warp_n + nj * 16 + (lane & 7) + ((lane >> 4) << 3), col = kk + ((lane >> 3) & 1) * 8;
          ldmatrix_x4(bfr[nj], sb + row * kRowStride + col);
        }
#pragma unroll
        for (int mi = 0; mi < 4; ++mi)
#pragma unroll
          for (int ni = 0; ni < 4; ++ni)
            mma_bf16(acc[mi][ni], af[mi], bfr[ni >> 1][(ni & 1) * 2], bfr[ni >> 1][(ni & 1) * 2 + 1]);
      }
    }
    cp_async_wait<0>();
    __syncthreads();  // every warp is done with the ring before the next tile refills it

    // Epilogue: accumulator (row lane/4 [+8], cols 2*(lane%4) + {0,1}) -> bf16x2 stores.
    auto* c = reinterpret_cast<__nv_bfloat16*>(p.c) + (static_cast<std::size_t>(row0) + m0) * p.n + n0;
#pragma unroll
    for (int mi = 0; mi < 4; ++mi) {
#pragma unroll
      for (int ni = 0; ni < 4; ++ni) {
        const int col = warp_n + ni * 8 + (lane & 3) * 2;
#pragma unroll
        for (int half = 0; half < 2; ++half) {
          const int row = warp_m + mi * 16 + (lane >> 2) + half * 8;
          if (row < a_rows && col < b_rows) {
            *reinterpret_cast<__nv_bfloat162*>(c + static_cast<std::size_t>(row) * p.n + col) =
                __floats2bfloat162_rn(acc[mi][ni][half * 2], acc[mi][ni][half * 2 + 1]);
          }
        }
      }
    }
  }
}

struct MmaState {
  std::unique_ptr<DeviceGroupedGemm> d;
  int grid = 1;
};

std::unique_ptr<PreparedRun> prepare(OpCase& c) {
  auto& gc = moe_detail::case_as<GroupedGemmCase>(c);
  auto st = std::make_shared<MmaState>();
  st->d = std::make_unique<DeviceGroupedGemm>(gc);
  CUDA_CHECK(cudaFuncSetAttribute(grouped_mma_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, kSmemBytes));
  int sms = 1, per_sm = 1;
  CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
  CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, grouped_mma_kernel, kThreads, kSmemBytes));
  st->grid = sms * std::max(per_sm, 1);
  auto launch = [st](cudaStream_t s) {
    ::moelab::kernels::cuda::launch(grouped_mma_kernel, st->grid, kThreads, kSmemBytes, s, st->d->params);
  };
  return std::make_unique<cuda::CudaPreparedRun>(launch, [st, &gc] { st->d->c.download(gc.c.span()); });
}

}  // namespace

std::unique_ptr<Variant> make_grouped_gemm_cuda_grouped_mma() {
  return std::make_unique<moe_detail::FnVariant>(
      kGroupedGemmOp, Backend::cuda, "grouped_mma",
      "single persistent launch, device-side tile scheduler over groups, mma.sync m16n8k16 bf16, 3-stage cp.async, "
      "128x128x32 tiles",
      [](const OpCase& c) {
        const auto& gc = dynamic_cast<const GroupedGemmCase&>(c);
        return gc.shape().k % 8 == 0 && gc.shape().n % 8 == 0 && gc.groups() <= kMaxGroups;
      },
      prepare, [] { return cuda_device_available(); });
}

}  // namespace moelab::kernels::grouped_gemm
