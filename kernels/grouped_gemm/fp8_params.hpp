#pragma once
// Raw-pointer description of one FP8 grouped GEMM with fine-grained block scaling, DeepGEMM's
// scheme for DeepSeek-V3 (deepseek-ai/DeepGEMM README; DeepSeek-V3 technical report, arXiv
// 2412.19437, section 3.3 "FP8 training": 1x128 tiles for activations, 128x128 blocks for weights):
//   A        [rows x K]            e4m3, tokens in expert order (as grouped_gemm)
//   a_scale  [rows x K/128]        fp32: a scale per token per 128 channels (1x128)
//   B        [G x N x K]           e4m3: B_g stored as N rows of K
//   b_scale  [G x ceil(N/128) x K/128]  fp32: a scale per 128x128 block of B_g
//   C        [rows x N]            bf16
// C[r][n] = sum over k-blocks kb of a_scale[r][kb] * b_scale[g][n/128][kb] * sum_{k in kb} A[r][k] * B_g[n][k]
// (the GPU kernels accumulate each k-block in fp32 and apply both scales when folding it into the
// fp32 total, DeepGEMM's "promotion"). K is a multiple of 128.
#include <cstdint>

namespace moelab::kernels::grouped_gemm {

inline constexpr int kFp8ScaleBlock = 128;

struct GroupedGemmFp8Params {
  const std::uint8_t* a = nullptr;
  const float* a_scale = nullptr;
  const std::uint8_t* b = nullptr;
  const float* b_scale = nullptr;
  std::uint16_t* c = nullptr;               // bf16 bits
  const std::int32_t* m_offsets = nullptr;  // [groups + 1]
  int groups = 0;
  int n = 0;
  int k = 0;
  int total_rows = 0;
  int k_blocks() const { return k / kFp8ScaleBlock; }
  int n_blocks() const { return (n + kFp8ScaleBlock - 1) / kFp8ScaleBlock; }
};

}  // namespace moelab::kernels::grouped_gemm
