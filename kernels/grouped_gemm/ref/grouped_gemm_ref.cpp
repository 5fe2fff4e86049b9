#include "kernels/grouped_gemm/ref/grouped_gemm_ref.hpp"

#include <algorithm>
#include <vector>

#include "kernels/common/bf16.hpp"
#include "kernels/common/parallel_for.hpp"

namespace moelab::kernels::grouped_gemm {
namespace {

// The group owning global row r: the last g with m_offsets[g] <= r (empty groups are skipped
// because their offset equals the next one's).
int group_of_row(const GroupedGemmParams& p, std::int64_t r) {
  const std::int32_t* end = p.m_offsets + p.groups + 1;
  return static_cast<int>(std::upper_bound(p.m_offsets, end, static_cast<std::int32_t>(r)) - p.m_offsets) - 1;
}

void row_fp64(const GroupedGemmParams& p, std::int64_t r, std::vector<double>& a_row, double* out) {
  const auto N = static_cast<std::size_t>(p.n), K = static_cast<std::size_t>(p.k);
  const auto* a = reinterpret_cast<const bf16*>(p.a) + static_cast<std::size_t>(r) * K;
  const auto* b = reinterpret_cast<const bf16*>(p.b) + static_cast<std::size_t>(group_of_row(p, r)) * N * K;
  for (std::size_t kk = 0; kk < K; ++kk) a_row[kk] = to_float(a[kk]);
  for (std::size_t n = 0; n < N; ++n) {
    const bf16* b_row = b + n * K;
    double acc = 0;
    for (std::size_t kk = 0; kk < K; ++kk) acc += a_row[kk] * static_cast<double>(to_float(b_row[kk]));
    out[n] = acc;
  }
}

}  // namespace

void grouped_gemm_ref_rows(const GroupedGemmParams& p, std::span<const std::int64_t> rows, double* out) {
  // Rows are independent: one chunk of rows per hardware thread (the result does not depend on it).
  parallel_for(
      rows.size(),
      [&](std::size_t begin, std::size_t end) {
        std::vector<double> a_row(static_cast<std::size_t>(p.k));
        for (std::size_t i = begin; i < end; ++i) row_fp64(p, rows[i], a_row, out + i * static_cast<std::size_t>(p.n));
      },
      1);
}

void grouped_gemm_ref(const GroupedGemmParams& p) {
  std::vector<double> a_row(static_cast<std::size_t>(p.k)), c_row(static_cast<std::size_t>(p.n));
  auto* c = reinterpret_cast<bf16*>(p.c);
  for (std::int64_t r = 0; r < p.total_rows; ++r) {
    row_fp64(p, r, a_row, c_row.data());
    for (int n = 0; n < p.n; ++n) c[static_cast<std::size_t>(r) * p.n + n] = to_bf16(static_cast<float>(c_row[n]));
  }
}

}  // namespace moelab::kernels::grouped_gemm
