#pragma once
// What the two grouped GEMM ops (grouped_gemm in bf16, grouped_gemm_fp8) share about their rows:
// the per-group row counts checked and summed into offsets, the routed group sizes a preset's dims
// describe, the shape dims the A/B report lists, and the check of a (possibly row-sampled) output
// against the fp64 oracle. Each op keeps what differs: dtypes, scales, the checks on n and k.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/input_error.hpp"
#include "kernels/common/aligned_buffer.hpp"
#include "kernels/common/bf16.hpp"
#include "kernels/common/variant.hpp"
#include "kernels/router/detail/dims.hpp"

namespace moelab::kernels::grouped_gemm {

// `m` (rows per group): at least one group, none negative, not all empty, and few enough rows for
// int32 offsets. Returns the exclusive prefix sum (groups + 1 entries); InputError at `where`.
AlignedBuffer<std::int32_t> row_offsets(const std::vector<std::int64_t>& m, const SourceLocation& where);

int nonempty_groups(const std::vector<std::int64_t>& m);

// groups, nonempty_groups, tokens (sum M_g), tokens_per_expert_mean / _max (over non-empty
// groups), n, k.
std::vector<ShapeDim> grouped_shape_dims(const std::vector<std::int64_t>& m, int total_rows, int n, int k);

// The rows per group that routing `tokens` tokens top-`topk` over `groups` experts gives (dims
// tokens, topk, groups, zipf_x1000 (0 = exact balanced split), routing_seed), bounded before the
// vector of group sizes exists, and how they were made ("balanced tokens=4096 top8").
struct RoutedRows {
  std::vector<std::int64_t> m;
  std::string routing;
};
RoutedRows routed_rows(const moe_detail::Dims& d);

// C (total_rows x n, bf16) against the fp64 oracle's rows `check_rows` (`ref`: check_rows x n).
// When only a sample was computed, every other row must at least have been written: the poison
// is NaN, so a non-finite element fails the check.
CheckResult check_rows_against_reference(std::span<const bf16> c, std::span<const double> ref,
                                         const std::vector<std::int64_t>& check_rows, int total_rows, int n,
                                         double tolerance);

}  // namespace moelab::kernels::grouped_gemm
