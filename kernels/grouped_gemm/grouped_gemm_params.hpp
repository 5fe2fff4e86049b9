#pragma once
// Raw-pointer description of one grouped GEMM (the MoE expert FFN projection), shared by every
// variant. Free of harness headers so .cu files include it cheaply.
//
// Group g (one expert) multiplies its M_g rows of A by its weight matrix B_g:
//   C[rows of g] = A[rows of g] * B_g,   rows of g = [m_offsets[g], m_offsets[g+1])
//   A  [total_rows x K]  bf16, row-major (tokens already permuted into expert order)
//   B  [G x N x K]       bf16: B_g stored as N rows of K (the K x N operand transposed, as
//                        nn.Linear keeps its weight [out x in]; every tensor-core GEMM reads it so)
//   C  [total_rows x N]  bf16, row-major; fp32 accumulation everywhere
// M_g may be 0 (an expert with no tokens): its B_g is never read.
#include <cstdint>

namespace moelab::kernels::grouped_gemm {

struct GroupedGemmParams {
  const std::uint16_t* a = nullptr;         // bf16 bits
  const std::uint16_t* b = nullptr;         // bf16 bits
  std::uint16_t* c = nullptr;               // bf16 bits
  const std::int32_t* m_offsets = nullptr;  // [groups + 1], exclusive prefix sum of M_g
  int groups = 0;
  int n = 0;
  int k = 0;
  int total_rows = 0;  // m_offsets[groups]
};

}  // namespace moelab::kernels::grouped_gemm
