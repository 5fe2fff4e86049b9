#include "kernels/grouped_gemm/ref/fp8_ref.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "kernels/common/bf16.hpp"
#include "kernels/common/fp8_e4m3.hpp"
#include "kernels/common/parallel_for.hpp"

namespace moelab::kernels::grouped_gemm {
namespace {

const std::array<double, 256>& decode_table() {
  static const std::array<double, 256> table = [] {
    std::array<double, 256> t{};
    for (int c = 0; c < 256; ++c) t[c] = fp8_e4m3_to_float(static_cast<std::uint8_t>(c));
    return t;
  }();
  return table;
}

int group_of_row(const GroupedGemmFp8Params& p, std::int64_t r) {
  const std::int32_t* end = p.m_offsets + p.groups + 1;
  return static_cast<int>(std::upper_bound(p.m_offsets, end, static_cast<std::int32_t>(r)) - p.m_offsets) - 1;
}

void row_fp64(const GroupedGemmFp8Params& p, std::int64_t r, std::vector<double>& a_row, double* out) {
  const auto& dec = decode_table();
  const auto N = static_cast<std::size_t>(p.n), K = static_cast<std::size_t>(p.k);
  const std::size_t kb_count = static_cast<std::size_t>(p.k_blocks());
  const int g = group_of_row(p, r);
  const std::uint8_t* a = p.a + static_cast<std::size_t>(r) * K;
  const float* sa = p.a_scale + static_cast<std::size_t>(r) * kb_count;
  // Dequantise the row once: a[k] * a_scale[k / 128], exact in fp64.
  for (std::size_t k = 0; k < K; ++k) a_row[k] = dec[a[k]] * static_cast<double>(sa[k / kFp8ScaleBlock]);
  const std::uint8_t* b = p.b + static_cast<std::size_t>(g) * N * K;
  const float* sb = p.b_scale + static_cast<std::size_t>(g) * static_cast<std::size_t>(p.n_blocks()) * kb_count;
  for (std::size_t n = 0; n < N; ++n) {
    const std::uint8_t* b_row = b + n * K;
    const float* sb_row = sb + (n / kFp8ScaleBlock) * kb_count;
    double acc = 0;
    for (std::size_t kb = 0; kb < kb_count; ++kb) {
      double block = 0;
      for (std::size_t k = kb * kFp8ScaleBlock; k < (kb + 1) * kFp8ScaleBlock; ++k) block += a_row[k] * dec[b_row[k]];
      acc += block * static_cast<double>(sb_row[kb]);
    }
    out[n] = acc;
  }
}

}  // namespace

void grouped_gemm_fp8_ref_rows(const GroupedGemmFp8Params& p, std::span<const std::int64_t> rows, double* out) {
  parallel_for(
      rows.size(),
      [&](std::size_t begin, std::size_t end) {
        std::vector<double> a_row(static_cast<std::size_t>(p.k));
        for (std::size_t i = begin; i < end; ++i) row_fp64(p, rows[i], a_row, out + i * static_cast<std::size_t>(p.n));
      },
      1);
}

void grouped_gemm_fp8_ref(const GroupedGemmFp8Params& p) {
  std::vector<double> a_row(static_cast<std::size_t>(p.k)), c_row(static_cast<std::size_t>(p.n));
  auto* c = reinterpret_cast<bf16*>(p.c);
  for (std::int64_t r = 0; r < p.total_rows; ++r) {
    row_fp64(p, r, a_row, c_row.data());
    for (int n = 0; n < p.n; ++n) c[static_cast<std::size_t>(r) * p.n + n] = to_bf16(static_cast<float>(c_row[n]));
  }
}

}  // namespace moelab::kernels::grouped_gemm
