#pragma once
// Attention prefill in the FlashAttention-3 design (Shah et al., arXiv 2407.08608): Hopper's
// tensor-memory accelerator (TMA) and warpgroup MMA (wgmma) with warp specialisation.
//
//   block     384 threads = 3 warpgroups for 128 query rows of one (sequence, head):
//             warpgroup 0 is the producer: one thread issues TMA copies of Q (once) and of K and V
//             tiles (128 keys x 128 dims each) into a 2-stage ring, completing on mbarriers; it
//             gives its registers away (setmaxnreg.dec 40).
//             warpgroups 1 and 2 are consumers (setmaxnreg.inc 232), 64 query rows each:
//               S = Q K^T   8 x wgmma m64n128k16, Q and K from shared memory (K-major descriptors)
//               mask, online softmax (base 2) on the S accumulators in registers
//               O += P V    8 x wgmma m64n128k16, P from registers (the S accumulators re-packed to
//                           bf16 A fragments), V from shared memory transposed (imm-trans-b = 1)
//             and release each K / V stage to the producer through an "empty" mbarrier.
//   layout    every tile is TMA-written with the 128-byte swizzle as two 64-column atoms
//             (hopper_ptx.cuh explains the descriptors); a 3-D tensor map per tensor
//             ([tokens][heads][dims]) fetches one head's rows of the packed varlen layout; rows past
//             the last token arrive as zeros, rows of the next sequence are masked.
//   causal    key tiles after the block's last row are never loaded; the diagonal tiles are masked
//             per element. Full attention masks keys past the sequence's end.
// Not (yet) in it, unlike FA3: the intra-warpgroup overlap of softmax with the next QK^T wgmma and
// the ping-pong schedule between the two consumers; head_dim 128 only.
#include <cuda.h>
#include <cuda_runtime.h>

#include <string>

#include "kernels/attention/params.hpp"

namespace moelab::kernels::attention::cuda_impl {

struct FlashWgmmaConfig {
  static constexpr int kD = 128;
  static constexpr int kBlockM = 128;  // 2 consumer warpgroups x 64 rows
  static constexpr int kBlockN = 128;  // keys per tile
  static constexpr int kStages = 2;
  static constexpr int kThreads = 384;
  static constexpr int kAtomCols = 64;                 // bf16 per 128-byte swizzled row
  static constexpr int kQBytes = kBlockM * kD * 2;     // 32 KiB
  static constexpr int kTileBytes = kBlockN * kD * 2;  // 32 KiB per K or V stage
  static constexpr int kBarrierBytes = 128;
  static constexpr int kSmemBytes = 1024 /* alignment slack */ + kQBytes + 2 * kStages * kTileBytes + kBarrierBytes;
};

// Tensor maps for q, k, v of `p` (device pointers); false when the driver lacks TMA encoding.
bool make_flash_wgmma_tensor_maps(const PrefillParams& p, CUtensorMap& q, CUtensorMap& k, CUtensorMap& v,
                                  std::string& why_not);
void set_flash_wgmma_smem_limit();
void launch_flash_wgmma_prefill(const PrefillParams& p, const CUtensorMap& q, const CUtensorMap& k,
                                const CUtensorMap& v, cudaStream_t stream);

}  // namespace moelab::kernels::attention::cuda_impl
