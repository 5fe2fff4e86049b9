// cuda.fp8_mma grouped_gemm_fp8: cuda.grouped_mma's persistent tile scheduler and cp.async ring on
// FP8 tensor cores (mma.sync m16n8k32 e4m3 x e4m3 -> fp32, sm_89+), with DeepGEMM's promotion:
// each 128-wide K block (two 64-byte k-tiles) accumulates in its own fp32 registers and is then
// folded into the fp32 total times a_scale[row][kb] * b_scale[g][n-block][kb] on CUDA cores.
//
// Byte geometry = grouped_mma's: a stage row is 64 e4m3 (= 32 bf16) padded to 80 bytes, and the
// m16n8k32 e4m3 fragments hold the same bytes per lane as m16n8k16 bf16 ones (PTX ISA, "Matrix
// Fragments for mma.m16n8k32"), so ldmatrix on the byte tile (as b16 pairs) feeds them unchanged.
// CTA tile 128 x 128 x 64, 8 warps as 2 (M) x 4 (N), each warp 64 x 32; 4 stages (two 128-wide
// scale blocks in flight). An N tile never straddles a 128-column scale block (n0 % 128 == 0).
// Needs N % 8 == 0 (16-byte output rows per lane pair) and K % 128 == 0 (the op requires it).
#include <cuda_bf16.h>

#include <algorithm>
#include <memory>

#include "kernels/common/cuda/check.cuh"
#include "kernels/common/cuda/cuda_prepared_run.cuh"
#include "kernels/common/cuda/launch.cuh"
#include "kernels/common/cuda_device.hpp"
#include "kernels/common/variant.hpp"
#include "kernels/grouped_gemm/cuda/device_grouped_gemm_fp8.cuh"
#include "kernels/router/detail/fn_variant.hpp"

namespace moelab::kernels::grouped_gemm {
namespace {

constexpr int kTileM = 128, kTileN = 128;
constexpr int kTileKBytes = 64;  // e4m3 per stage row
constexpr int kStages = 4;
constexpr int kThreads = 256;
constexpr int kRowStride = 40;  // padded stage row in 16-bit units (80 bytes)
constexpr int kStageElems = (kTileM + kTileN) * kRowStride;
constexpr int kSmemBytes = kStages * kStageElems * 2;
constexpr int kMaxGroups = 1024;
constexpr int kTilesPerScaleBlock = kFp8ScaleBlock / kTileKBytes;  // 2

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

__device__ __forceinline__ void mma_e4m3(float (&c)[4], const unsigned (&a)[4], unsigned b0, unsigned b1) {
  asm volatile(
      "mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
      "{%0,%1,%2,%3};\n"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

// One 64-byte k-slice: 128 rows of A and 128 rows of B, 4 chunks of 16 bytes per row.
__device__ __forceinline__ void load_stage(std::uint16_t* stage, const std::uint8_t* a, int a_rows,
                                           const std::uint8_t* b, int b_rows, int K, int k0) {
  std::uint16_t* sa = stage;
  std::uint16_t* sb = stage + kTileM * kRowStride;
#pragma unroll
  for (int i = 0; i < (kTileM * 4) / kThreads; ++i) {
    const int chunk = threadIdx.x + i * kThreads;
    const int row = chunk >> 2, col = (chunk & 3) * 16;  // bytes
    const bool ok = row < a_rows;
    cp_async_16(sa + row * kRowStride + col / 2, ok ? a + static_cast<std::size_t>(row) * K + k0 + col : a, ok);
  }
#pragma unroll
  for (int i = 0; i < (kTileN * 4) / kThreads; ++i) {
    const int chunk = threadIdx.x + i * kThreads;
    const int row = chunk >> 2, col = (chunk & 3) * 16;
    const bool ok = row < b_rows;
    cp_async_16(sb + row * kRowStride + col / 2, ok ? b + static_cast<std::size_t>(row) * K + k0 + col : b, ok);
  }
}

__global__ void __launch_bounds__(kThreads, 1) fp8_mma_kernel(GroupedGemmFp8Params p) {
  extern __shared__ __align__(16) std::uint16_t smem[];
  __shared__ int tile_start[kMaxGroups + 1];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int n_tiles = (p.n + kTileN - 1) / kTileN;
  const int kb_count = p.k / kFp8ScaleBlock, nb_count = (p.n + kFp8ScaleBlock - 1) / kFp8ScaleBlock;

  // Tile prefix sum over groups (warp 0, 32 groups per step, shuffle scan), as cuda.grouped_mma.
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
    const std::uint8_t* a = p.a + (static_cast<std::size_t>(row0) + m0) * p.k;
    const std::uint8_t* b = p.b + (static_cast<std::size_t>(g) * p.n + n0) * p.k;
    const int a_rows = m_rows - m0, b_rows = p.n - n0;
    const float* sa = p.a_scale + (static_cast<std::size_t>(row0) + m0) * kb_count;
    const float* sb = p.b_scale + (static_cast<std::size_t>(g) * nb_count + n0 / kFp8ScaleBlock) * kb_count;

    float total[4][4][4], blk[4][4][4];
#pragma unroll
    for (int mi = 0; mi < 4; ++mi)
#pragma unroll
      for (int ni = 0; ni < 4; ++ni)
#pragma unroll
        for (int r = 0; r < 4; ++r) total[mi][ni][r] = blk[mi][ni][r] = 0.0f;

    const int k_tiles = p.k / kTileKBytes;
#pragma unroll
    for (int s = 0; s < kStages - 1; ++s) {
      if (s < k_tiles) load_stage(smem + s * kStageElems, a, a_rows, b, b_rows, p.k, s * kTileKBytes);
      cp_async_commit();
    }
    for (int kt = 0; kt < k_tiles; ++kt) {
      cp_async_wait<kStages - 2>();
      __syncthreads();  // stage kt landed for everyone; stage kt-1 is free to overwrite
      const int next = kt + kStages - 1;
      if (next < k_tiles)
        load_stage(smem + (next % kStages) * kStageElems, a, a_rows, b, b_rows, p.k, next * kTileKBytes);
      cp_async_commit();

      const std::uint16_t* s_a = smem + (kt % kStages) * kStageElems;
      const std::uint16_t* s_b = s_a + kTileM * kRowStride;
#pragma unroll
      for (int kk = 0; kk < kTileKBytes / 2; kk += 16) {  // two k-steps of 32 e4m3 (16 b16 units)
        unsigned af[4][4], bfr[2][4];
#pragma unroll
        for (int mi = 0; mi < 4; ++mi) {
          const int row = warp_m + mi * 16 + (lane & 15), col = kk + (lane >> 4) * 8;
          ldmatrix_x4(af[mi], s_a + row * kRowStride + col);
        }
#pragma unroll
        for (int nj = 0; nj < 2; ++nj) {
          const int row = warp_n + nj * 16 + (lane & 7) + ((lane >> 4) << 3), col = kk + ((lane >> 3) & 1) * 8;
          ldmatrix_x4(bfr[nj], s_b + row * kRowStride + col);
        }
#pragma unroll
        for (int mi = 0; mi < 4; ++mi)
#pragma unroll
          for (int ni = 0; ni < 4; ++ni)
            mma_e4m3(blk[mi][ni], af[mi], bfr[ni >> 1][(ni & 1) * 2], bfr[ni >> 1][(ni & 1) * 2 + 1]);
      }

      // Promotion: fold the finished 128-wide block into the total with both scales.
      if (kt % kTilesPerScaleBlock == kTilesPerScaleBlock - 1) {
        const int kb = kt / kTilesPerScaleBlock;
        const float scale_b = sb[kb];
#pragma unroll
        for (int mi = 0; mi < 4; ++mi) {
#pragma unroll
          for (int half = 0; half < 2; ++half) {
            const int row = warp_m + mi * 16 + (lane >> 2) + half * 8;
            const float scale = row < a_rows ? sa[static_cast<std::size_t>(row) * kb_count + kb] * scale_b : 0.0f;
#pragma unroll
            for (int ni = 0; ni < 4; ++ni) {
              total[mi][ni][half * 2] += blk[mi][ni][half * 2] * scale;
              total[mi][ni][half * 2 + 1] += blk[mi][ni][half * 2 + 1] * scale;
              blk[mi][ni][half * 2] = blk[mi][ni][half * 2 + 1] = 0.0f;
            }
          }
        }
      }
    }
    cp_async_wait<0>();
    __syncthreads();  // every warp is done with the ring before the next tile refills it

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
                __floats2bfloat162_rn(total[mi][ni][half * 2], total[mi][ni][half * 2 + 1]);
          }
        }
      }
    }
  }
}

struct Fp8State {
  std::unique_ptr<DeviceGroupedGemmFp8> d;
  int grid = 1;
};

std::unique_ptr<PreparedRun> prepare(OpCase& c) {
  auto& gc = moe_detail::case_as<GroupedGemmFp8Case>(c);
  auto st = std::make_shared<Fp8State>();
  st->d = std::make_unique<DeviceGroupedGemmFp8>(gc);
  CUDA_CHECK(cudaFuncSetAttribute(fp8_mma_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, kSmemBytes));
  int sms = 1, per_sm = 1;
  CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
  CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, fp8_mma_kernel, kThreads, kSmemBytes));
  st->grid = sms * std::max(per_sm, 1);
  auto launch = [st](cudaStream_t s) {
    cuda::launch(fp8_mma_kernel, st->grid, kThreads, kSmemBytes, s, st->d->params);
  };
  return std::make_unique<cuda::CudaPreparedRun>(launch, [st, &gc] { st->d->c.download(gc.c.span()); });
}

}  // namespace

std::unique_ptr<Variant> make_grouped_gemm_fp8_cuda_fp8_mma() {
  return std::make_unique<moe_detail::FnVariant>(
      kGroupedGemmFp8Op, Backend::cuda, "fp8_mma",
      "persistent launch, device-side tile scheduler, mma.sync m16n8k32 e4m3 -> fp32, per-128 K block promotion with "
      "1x128 / 128x128 scales, 4-stage cp.async, 128x128x64 tiles",
      [](const OpCase& c) {
        const auto& gc = dynamic_cast<const GroupedGemmFp8Case&>(c);
        return gc.shape().n % 8 == 0 && gc.groups() <= kMaxGroups;
      },
      prepare, [] { return cuda_device_available(); });
}

}  // namespace moelab::kernels::grouped_gemm
