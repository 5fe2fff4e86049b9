#pragma once
// The FP8 grouped-GEMM oracle: every e4m3 input and scale decoded exactly to fp64 (e4m3 values,
// fp32 scales and their products are exact in double), dot products in fp64.
#include <cstdint>
#include <span>

#include "kernels/grouped_gemm/fp8_params.hpp"

namespace moelab::kernels::grouped_gemm {

// out [rows.size() x N] (fp64) = the rows `rows` of C (p.c ignored); rows in parallel.
void grouped_gemm_fp8_ref_rows(const GroupedGemmFp8Params& p, std::span<const std::int64_t> rows, double* out);

// Every row of C, rounded to bf16 into p.c (the ref.naive variant).
void grouped_gemm_fp8_ref(const GroupedGemmFp8Params& p);

}  // namespace moelab::kernels::grouped_gemm
