#include "kernels/grouped_gemm/row_groups.hpp"

#include <algorithm>
#include <limits>
#include <sstream>

#include "kernels/common/error_metrics.hpp"
#include "kernels/router/routing.hpp"

namespace moelab::kernels::grouped_gemm {

AlignedBuffer<std::int32_t> row_offsets(const std::vector<std::int64_t>& m, const SourceLocation& where) {
  if (m.empty()) throw InputError(where, "groups", "must be >= 1");
  std::int64_t total = 0;
  for (std::size_t g = 0; g < m.size(); ++g) {
    if (m[g] < 0) throw InputError(where, "m", "group " + std::to_string(g) + " has negative rows");
    total += m[g];
  }
  if (total > std::numeric_limits<std::int32_t>::max() / 2) throw InputError(where, "tokens", "too many rows");
  if (total == 0) throw InputError(where, "m", "every group is empty: nothing to multiply");
  AlignedBuffer<std::int32_t> offsets(m.size() + 1);
  for (std::size_t g = 0; g < m.size(); ++g) offsets[g + 1] = offsets[g] + static_cast<std::int32_t>(m[g]);
  return offsets;
}

int nonempty_groups(const std::vector<std::int64_t>& m) {
  return static_cast<int>(std::count_if(m.begin(), m.end(), [](std::int64_t rows) { return rows > 0; }));
}

std::vector<ShapeDim> grouped_shape_dims(const std::vector<std::int64_t>& m, int total_rows, int n, int k) {
  const int nonempty = nonempty_groups(m);
  const auto max_m = *std::max_element(m.begin(), m.end());
  return {{"groups", static_cast<int>(m.size())},
          {"nonempty_groups", nonempty},
          {"tokens", total_rows},
          {"tokens_per_expert_mean", nonempty > 0 ? double(total_rows) / nonempty : 0.0},
          {"tokens_per_expert_max", double(max_m)},
          {"n", n},
          {"k", k}};
}

RoutedRows routed_rows(const moe_detail::Dims& d) {
  const int tokens = d.at_least("tokens", 1);
  const int groups = d.at_least("groups", 1);
  const int topk = d.at_least("topk", 1);
  if (topk > groups) throw d.error("topk", "must be <= groups=" + std::to_string(groups));
  // Group sizes are a vector of `groups` counts and rows are int32: bounded before either exists.
  if (groups > (1 << 20)) throw d.error("groups", "must be <= 1048576, got " + std::to_string(groups));
  if (static_cast<std::int64_t>(tokens) * topk >= (std::int64_t{1} << 30)) {
    throw d.error("tokens",
                  "tokens * topk must be < 2^30, got " + std::to_string(static_cast<std::int64_t>(tokens) * topk));
  }
  const double zipf_s = d.at_least("zipf_x1000", 0) / 1000.0;
  RoutedRows r;
  r.m = router::group_sizes(tokens, groups, topk, zipf_s, static_cast<std::uint64_t>(d.get("routing_seed")));
  std::ostringstream os;
  os << (zipf_s == 0 ? "balanced" : "zipf=" + std::to_string(zipf_s).substr(0, 5)) << " tokens=" << tokens << " top"
     << topk;
  r.routing = os.str();
  return r;
}

CheckResult check_rows_against_reference(std::span<const bf16> c, std::span<const double> ref,
                                         const std::vector<std::int64_t>& check_rows, int total_rows, int n,
                                         double tolerance) {
  const auto N = static_cast<std::size_t>(n);
  if (check_rows.size() == static_cast<std::size_t>(total_rows)) return compare_to_reference(c, ref, tolerance);
  std::vector<bf16> picked(check_rows.size() * N);
  for (std::size_t i = 0; i < check_rows.size(); ++i) {
    std::copy_n(c.data() + static_cast<std::size_t>(check_rows[i]) * N, N, picked.data() + i * N);
  }
  CheckResult r = compare_to_reference(std::span<const bf16>(picked), ref, tolerance);
  r.detail = "sampled " + std::to_string(check_rows.size()) + " of " + std::to_string(total_rows) +
             " rows (element index i is row check_rows[i / n]); " + r.detail;
  const std::size_t unwritten = count_non_finite(c);
  if (unwritten > 0) {
    r.passed = false;
    r.detail = std::to_string(unwritten) + " output elements not finite (unwritten?); " + r.detail;
  }
  return r;
}

}  // namespace moelab::kernels::grouped_gemm
