#pragma once
// The grouped-GEMM oracle: fp64 dot products, one output row at a time.
#include <cstdint>
#include <span>

#include "kernels/grouped_gemm/grouped_gemm_params.hpp"

namespace moelab::kernels::grouped_gemm {

// out [rows.size() x N] (fp64) = the rows `rows` (global row indices) of C; p.c is ignored.
void grouped_gemm_ref_rows(const GroupedGemmParams& p, std::span<const std::int64_t> rows, double* out);

// Every row of C, rounded to bf16 into p.c (the ref.naive variant).
void grouped_gemm_ref(const GroupedGemmParams& p);

}  // namespace moelab::kernels::grouped_gemm
