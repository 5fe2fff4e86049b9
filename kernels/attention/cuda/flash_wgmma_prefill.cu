// The FA3-design prefill kernel (flash_wgmma_prefill.cuh) and its host side: TMA tensor maps
// (cuTensorMapEncodeTiled, fetched through the runtime's driver entry point so nothing links
// libcuda), the shared-memory limit, the launch.
#include "kernels/attention/cuda/flash_wgmma_prefill.cuh"

#include <cudaTypedefs.h>

#include <string>

#include "kernels/attention/cuda/hopper_ptx.cuh"
#include "kernels/attention/cuda/mma_ptx.cuh"
#include "kernels/common/cuda/check.cuh"
#include "kernels/common/cuda/launch.cuh"

namespace moelab::kernels::attention::cuda_impl {
namespace {

using C = FlashWgmmaConfig;
namespace hp = hopper;
constexpr float kLog2e = 1.4426950408889634f;
constexpr int kProducerRegs = 40, kConsumerRegs = 232;
constexpr int kConsumerWarps = 8;  // arrivals on an "empty" barrier per stage use

struct Barriers {
  std::uint64_t q_full;
  std::uint64_t k_full[C::kStages], v_full[C::kStages];
  std::uint64_t k_empty[C::kStages], v_empty[C::kStages];
};
static_assert(sizeof(Barriers) <= C::kBarrierBytes);

__global__ void __launch_bounds__(C::kThreads, 1)
    flash_wgmma_kernel(const PrefillParams p, const __grid_constant__ CUtensorMap tq,
                       const __grid_constant__ CUtensorMap tk, const __grid_constant__ CUtensorMap tv) {
  extern __shared__ std::uint8_t smem_raw[];
  // 128-byte swizzled tiles start on 1024-byte boundaries.
  std::uint8_t* smem =
      reinterpret_cast<std::uint8_t*>((reinterpret_cast<std::uintptr_t>(smem_raw) + 1023) & ~std::uintptr_t{1023});
  std::uint8_t* sQ = smem;
  std::uint8_t* sK = sQ + C::kQBytes;                  // kStages tiles
  std::uint8_t* sV = sK + C::kStages * C::kTileBytes;  // kStages tiles
  auto* bars = reinterpret_cast<Barriers*>(sV + C::kStages * C::kTileBytes);

  const int b = blockIdx.z, h = blockIdx.y;
  const int seq_start = p.cu_seqlens[b];
  const int len = p.cu_seqlens[b + 1] - seq_start;
  const int q0 = (gridDim.x - 1 - blockIdx.x) * C::kBlockM;  // heaviest (latest) tiles first
  if (q0 >= len) return;
  const int hk = h / (p.heads / p.kv_heads);
  const bool causal = p.causal != 0;
  const int n_tiles = causal ? min((q0 + C::kBlockM + C::kBlockN - 1) / C::kBlockN, (len + C::kBlockN - 1) / C::kBlockN)
                             : (len + C::kBlockN - 1) / C::kBlockN;
  const int warpgroup = threadIdx.x / 128;

  if (threadIdx.x == 0) {
    hp::mbar_init(&bars->q_full, 1);
    for (int s = 0; s < C::kStages; ++s) {
      hp::mbar_init(&bars->k_full[s], 1);
      hp::mbar_init(&bars->v_full[s], 1);
      hp::mbar_init(&bars->k_empty[s], kConsumerWarps);
      hp::mbar_init(&bars->v_empty[s], kConsumerWarps);
    }
    hp::mbar_fence_init();
  }
  __syncthreads();

  if (warpgroup == 0) {
    // ---- producer ----
    hp::setmaxnreg_dec<kProducerRegs>();
    if (threadIdx.x == 0) {
      hp::tma_prefetch_descriptor(&tq);
      hp::tma_prefetch_descriptor(&tk);
      hp::tma_prefetch_descriptor(&tv);
      hp::mbar_arrive_expect_tx(&bars->q_full, C::kQBytes);
      for (int a = 0; a < C::kD / C::kAtomCols; ++a) {
        hp::tma_load_3d(sQ + a * C::kBlockM * 128, &tq, a * C::kAtomCols, h, seq_start + q0, &bars->q_full);
      }
      for (int n = 0; n < n_tiles; ++n) {
        const int s = n % C::kStages;
        const std::uint32_t phase = (n / C::kStages) & 1;
        const int key_row = seq_start + n * C::kBlockN;
        hp::mbar_wait(&bars->k_empty[s], phase ^ 1);
        hp::mbar_arrive_expect_tx(&bars->k_full[s], C::kTileBytes);
        for (int a = 0; a < C::kD / C::kAtomCols; ++a) {
          hp::tma_load_3d(sK + s * C::kTileBytes + a * C::kBlockN * 128, &tk, a * C::kAtomCols, hk, key_row,
                          &bars->k_full[s]);
        }
        hp::mbar_wait(&bars->v_empty[s], phase ^ 1);
        hp::mbar_arrive_expect_tx(&bars->v_full[s], C::kTileBytes);
        for (int a = 0; a < C::kD / C::kAtomCols; ++a) {
          hp::tma_load_3d(sV + s * C::kTileBytes + a * C::kBlockN * 128, &tv, a * C::kAtomCols, hk, key_row,
                          &bars->v_full[s]);
        }
      }
    }
    return;
  }

  // ---- consumers: warpgroups 1 and 2, 64 rows each ----
  hp::setmaxnreg_inc<kConsumerRegs>();
  const int consumer = warpgroup - 1;
  const int warp = (threadIdx.x / 32) % 4, lane = threadIdx.x % 32;
  const int row_base = q0 + consumer * 64 + warp * 16;  // this warp's 16 rows (sequence-relative)
  const float scale = p.sm_scale * kLog2e;

  float o[64];
#pragma unroll
  for (int i = 0; i < 64; ++i) o[i] = 0.0f;
  float m[2] = {-INFINITY, -INFINITY}, l[2] = {0.0f, 0.0f};
  const std::uint8_t* q_rows = sQ + consumer * 64 * 128;  // this warpgroup's 64 rows in each atom

  hp::mbar_wait(&bars->q_full, 0);
  for (int n = 0; n < n_tiles; ++n) {
    const int s = n % C::kStages;
    const std::uint32_t phase = (n / C::kStages) & 1;
    const std::uint8_t* k_tile = sK + s * C::kTileBytes;
    const std::uint8_t* v_tile = sV + s * C::kTileBytes;

    // S = Q K^T over 128 dims: 8 k-steps of 16, 4 per 64-column atom (32 bytes apart).
    float sacc[64];
    hp::mbar_wait(&bars->k_full[s], phase);
    hp::fence_registers(sacc);
    hp::wgmma_fence();
#pragma unroll
    for (int kk = 0; kk < C::kD / 16; ++kk) {
      const int atom = kk / 4, step = (kk % 4) * 32;
      hp::wgmma_m64n128k16_ss(sacc, hp::desc_k_major(q_rows + atom * C::kBlockM * 128 + step),
                              hp::desc_k_major(k_tile + atom * C::kBlockN * 128 + step), kk > 0 ? 1 : 0);
    }
    hp::wgmma_commit();
    hp::wgmma_wait<0>();
    hp::fence_registers(sacc);
    if (lane == 0) hp::mbar_arrive(&bars->k_empty[s]);

    // Mask: accumulator register r of this thread is (row g + 8 * ((r / 2) % 2), key 8 * (r / 4) + 2t + r % 2).
    const int key0 = n * C::kBlockN;
    const bool edge = causal ? key0 + C::kBlockN - 1 > row_base : key0 + C::kBlockN > len;
#pragma unroll
    for (int r = 0; r < 64; ++r) {
      const int key = key0 + 8 * (r / 4) + 2 * (lane % 4) + (r % 2);
      const int row = row_base + lane / 4 + 8 * ((r / 2) % 2);
      const bool masked = edge && (causal ? key > row : key >= len);
      sacc[r] = masked ? -INFINITY : sacc[r] * scale;
    }
    // Online softmax, base 2: rows lane/4 (registers r % 4 < 2) and lane/4 + 8.
    float mx[2] = {m[0], m[1]};
#pragma unroll
    for (int r = 0; r < 64; ++r) mx[(r / 2) % 2] = fmaxf(mx[(r / 2) % 2], sacc[r]);
    float alpha[2], m_use[2], row_sum[2] = {0.0f, 0.0f};
#pragma unroll
    for (int i = 0; i < 2; ++i) {
      mx[i] = fmaxf(mx[i], __shfl_xor_sync(0xffffffffu, mx[i], 1));
      mx[i] = fmaxf(mx[i], __shfl_xor_sync(0xffffffffu, mx[i], 2));
      m_use[i] = mx[i] == -INFINITY ? 0.0f : mx[i];
      alpha[i] = exp2f(m[i] - m_use[i]);
      m[i] = mx[i];
    }
#pragma unroll
    for (int r = 0; r < 64; ++r) {
      sacc[r] = exp2f(sacc[r] - m_use[(r / 2) % 2]);
      row_sum[(r / 2) % 2] += sacc[r];
    }
#pragma unroll
    for (int i = 0; i < 2; ++i) l[i] = l[i] * alpha[i] + row_sum[i];  // lane-partial; quad-reduced at the end
#pragma unroll
    for (int r = 0; r < 64; ++r) o[r] *= alpha[(r / 2) % 2];

    // P as A fragments: k-step j (keys 16j..16j+15) = accumulator n-tiles 2j and 2j+1.
    std::uint32_t pa[C::kBlockN / 16][4];
#pragma unroll
    for (int j = 0; j < C::kBlockN / 16; ++j) {
      pa[j][0] = pack_bf16x2(sacc[8 * j + 0], sacc[8 * j + 1]);
      pa[j][1] = pack_bf16x2(sacc[8 * j + 2], sacc[8 * j + 3]);
      pa[j][2] = pack_bf16x2(sacc[8 * j + 4], sacc[8 * j + 5]);
      pa[j][3] = pack_bf16x2(sacc[8 * j + 6], sacc[8 * j + 7]);
    }

    // O += P V: 8 k-steps of 16 keys (16 rows x 128 bytes = 2048 bytes apart); N = 128 dims in two
    // 64-column atoms kBlockN * 128 bytes apart (the descriptor's leading byte offset).
    hp::mbar_wait(&bars->v_full[s], phase);
    hp::fence_registers(o);
    hp::wgmma_fence();
#pragma unroll
    for (int j = 0; j < C::kBlockN / 16; ++j) {
      hp::wgmma_m64n128k16_rs_tb(o, pa[j], hp::desc_mn_major(v_tile + j * 16 * 128, C::kBlockN * 128), 1);
    }
    hp::wgmma_commit();
    hp::wgmma_wait<0>();
    hp::fence_registers(o);
    if (lane == 0) hp::mbar_arrive(&bars->v_empty[s]);
  }

  // Epilogue: rows lane/4 and lane/4 + 8; accumulator register r holds dim 8 * (r / 4) + 2t + r % 2.
#pragma unroll
  for (int i = 0; i < 2; ++i) {
    float sum = l[i];
    sum += __shfl_xor_sync(0xffffffffu, sum, 1);
    sum += __shfl_xor_sync(0xffffffffu, sum, 2);
    const int row = row_base + lane / 4 + 8 * i;
    if (row >= len) continue;
    const float inv = 1.0f / sum;
    float* dst = p.out + (std::size_t(seq_start + row) * p.heads + h) * C::kD + 2 * (lane % 4);
#pragma unroll
    for (int j = 0; j < 16; ++j) {
      *reinterpret_cast<float2*>(dst + 8 * j) = make_float2(o[4 * j + 2 * i] * inv, o[4 * j + 2 * i + 1] * inv);
    }
  }
}

PFN_cuTensorMapEncodeTiled_v12000 encode_fn(std::string& why_not) {
  static PFN_cuTensorMapEncodeTiled_v12000 fn = nullptr;
  static std::string error;
  static bool tried = false;
  if (!tried) {
    tried = true;
    void* ptr = nullptr;
    cudaDriverEntryPointQueryResult status{};
    const cudaError_t e =
        cudaGetDriverEntryPointByVersion("cuTensorMapEncodeTiled", &ptr, 12000, cudaEnableDefault, &status);
    if (e != cudaSuccess || status != cudaDriverEntryPointSuccess || ptr == nullptr) {
      cudaGetLastError();
      error = std::string("cuTensorMapEncodeTiled not available from the driver: ") + cudaGetErrorString(e);
    } else {
      fn = reinterpret_cast<PFN_cuTensorMapEncodeTiled_v12000>(ptr);
    }
  }
  why_not = error;
  return fn;
}

// [tokens][heads][128] bf16 -> boxes of (64 dims, 1 head, 128 tokens), 128-byte swizzle.
bool encode(PFN_cuTensorMapEncodeTiled_v12000 fn, CUtensorMap& map, const void* base, int heads, int tokens,
            std::string& why_not) {
  const cuuint64_t dims[3] = {static_cast<cuuint64_t>(C::kD), static_cast<cuuint64_t>(heads),
                              static_cast<cuuint64_t>(tokens)};
  const cuuint64_t strides[2] = {static_cast<cuuint64_t>(C::kD) * 2, static_cast<cuuint64_t>(heads) * C::kD * 2};
  const cuuint32_t box[3] = {C::kAtomCols, 1, C::kBlockN};
  const cuuint32_t elem_strides[3] = {1, 1, 1};
  const CUresult r = fn(&map, CU_TENSOR_MAP_DATA_TYPE_BFLOAT16, 3, const_cast<void*>(base), dims, strides, box,
                        elem_strides, CU_TENSOR_MAP_INTERLEAVE_NONE, CU_TENSOR_MAP_SWIZZLE_128B,
                        CU_TENSOR_MAP_L2_PROMOTION_L2_256B, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  if (r != CUDA_SUCCESS) {
    why_not = "cuTensorMapEncodeTiled failed with CUresult " + std::to_string(static_cast<int>(r));
    return false;
  }
  return true;
}

}  // namespace

bool make_flash_wgmma_tensor_maps(const PrefillParams& p, CUtensorMap& q, CUtensorMap& k, CUtensorMap& v,
                                  std::string& why_not) {
  static_assert(C::kBlockM == C::kBlockN, "one box shape serves Q, K and V");
  auto fn = encode_fn(why_not);
  if (fn == nullptr) return false;
  return encode(fn, q, p.q, p.heads, p.total_tokens, why_not) &&
         encode(fn, k, p.k, p.kv_heads, p.total_tokens, why_not) &&
         encode(fn, v, p.v, p.kv_heads, p.total_tokens, why_not);
}

void set_flash_wgmma_smem_limit() {
  CUDA_CHECK(cudaFuncSetAttribute(flash_wgmma_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, C::kSmemBytes));
}

void launch_flash_wgmma_prefill(const PrefillParams& p, const CUtensorMap& q, const CUtensorMap& k,
                                const CUtensorMap& v, cudaStream_t stream) {
  const dim3 grid((p.max_seq_len + C::kBlockM - 1) / C::kBlockM, p.heads, p.batch);
  cuda::launch(flash_wgmma_kernel, grid, C::kThreads, C::kSmemBytes, stream, p, q, k, v);
}

}  // namespace moelab::kernels::attention::cuda_impl
