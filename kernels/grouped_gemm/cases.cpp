#include "kernels/grouped_gemm/cases.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "base/input_error.hpp"
#include "kernels/common/error_metrics.hpp"
#include "kernels/common/input_generation.hpp"
#include "kernels/common/random_fill.hpp"
#include "kernels/grouped_gemm/check_rows.hpp"
#include "kernels/grouped_gemm/expert_ffn.hpp"
#include "kernels/grouped_gemm/ref/grouped_gemm_ref.hpp"
#include "kernels/router/cases.hpp"
#include "kernels/router/detail/dims.hpp"
#include "kernels/router/routing.hpp"

namespace moelab::kernels::grouped_gemm {
namespace {

constexpr const auto& kModels = kExpertFfns;

}  // namespace

GroupedGemmCase::GroupedGemmCase(GroupedGemmShape s, const std::string& origin) : shape_(std::move(s)) {
  const SourceLocation where{origin, 0, 0};
  if (shape_.m.empty()) throw InputError(where, "groups", "must be >= 1");
  if (shape_.n < 1) throw InputError(where, "n", "must be >= 1, got " + std::to_string(shape_.n));
  if (shape_.k < 1) throw InputError(where, "k", "must be >= 1, got " + std::to_string(shape_.k));
  std::int64_t total = 0;
  for (std::size_t g = 0; g < shape_.m.size(); ++g) {
    if (shape_.m[g] < 0) throw InputError(where, "m", "group " + std::to_string(g) + " has negative rows");
    total += shape_.m[g];
  }
  if (total > std::numeric_limits<std::int32_t>::max() / 2) throw InputError(where, "tokens", "too many rows");
  if (total == 0) throw InputError(where, "m", "every group is empty: nothing to multiply");
  m_offsets = AlignedBuffer<std::int32_t>(shape_.m.size() + 1);
  for (std::size_t g = 0; g < shape_.m.size(); ++g)
    m_offsets[g + 1] = m_offsets[g] + static_cast<std::int32_t>(shape_.m[g]);

  check_rows_ = choose_check_rows(shape_.m, m_offsets.data(), static_cast<double>(shape_.n) * shape_.k);
}

void GroupedGemmCase::allocate() {
  if (allocated_) return;
  allocated_ = true;
  const auto N = static_cast<std::size_t>(shape_.n), K = static_cast<std::size_t>(shape_.k);
  const auto rows = static_cast<std::size_t>(total_rows());
  a = AlignedBuffer<bf16>(rows * K);
  b = AlignedBuffer<bf16>(shape_.m.size() * N * K);
  c = AlignedBuffer<bf16>(rows * N);
  ref = AlignedBuffer<double>(check_rows_.size() * N);
}

// A (rows x K), B (groups x N x K) and C (rows x N) in bf16, the fp64 ref of the checked rows.
double GroupedGemmCase::host_bytes() const {
  const double rows = total_rows(), n = shape_.n, k = shape_.k;
  return 2.0 * rows * k + 2.0 * static_cast<double>(shape_.m.size()) * n * k + 2.0 * rows * n +
         8.0 * static_cast<double>(check_rows_.size()) * n;
}

int GroupedGemmCase::nonempty_groups() const {
  return static_cast<int>(std::count_if(shape_.m.begin(), shape_.m.end(), [](std::int64_t m) { return m > 0; }));
}

ExpertLoad GroupedGemmCase::expert_load() const { return expert_load_from_counts(shape_.m); }

std::vector<ShapeDim> GroupedGemmCase::shape_dims() const {
  const int nonempty = nonempty_groups();
  const auto max_m = *std::max_element(shape_.m.begin(), shape_.m.end());
  return {{"groups", groups()},
          {"nonempty_groups", nonempty},
          {"tokens", total_rows()},
          {"tokens_per_expert_mean", nonempty > 0 ? double(total_rows()) / nonempty : 0.0},
          {"tokens_per_expert_max", double(max_m)},
          {"n", shape_.n},
          {"k", shape_.k}};
}

std::string GroupedGemmCase::shape_text() const {
  std::ostringstream os;
  const auto [lo, hi] = std::minmax_element(shape_.m.begin(), shape_.m.end());
  os << "groups=" << groups() << " rows=" << total_rows() << " m=" << *lo << ".." << *hi << " n=" << shape_.n
     << " k=" << shape_.k;
  if (!shape_.routing.empty()) os << " " << shape_.routing;
  return os.str();
}

double GroupedGemmCase::flops() const { return 2.0 * total_rows() * static_cast<double>(shape_.n) * shape_.k; }

double GroupedGemmCase::bytes() const {
  const double rows = total_rows();
  return 2.0 * rows * shape_.k + 2.0 * nonempty_groups() * static_cast<double>(shape_.n) * shape_.k +
         2.0 * rows * shape_.n;
}

void GroupedGemmCase::fill_inputs(std::uint64_t seed) {
  allocate();
  a_seed_ = derive_seed(seed, 11);
  b_seed_ = derive_seed(seed, 12);
  fill_counter_bf16(a.span(), kInputLo, kInputHi, a_seed_);
  fill_counter_bf16(b.span(), kInputLo, kInputHi, b_seed_);
  generation_ = new_input_generation();
}

GroupedGemmParams GroupedGemmCase::params() {
  allocate();
  GroupedGemmParams p;
  p.a = reinterpret_cast<const std::uint16_t*>(a.data());
  p.b = reinterpret_cast<const std::uint16_t*>(b.data());
  p.c = reinterpret_cast<std::uint16_t*>(c.data());
  p.m_offsets = m_offsets.data();
  p.groups = groups();
  p.n = shape_.n;
  p.k = shape_.k;
  p.total_rows = total_rows();
  return p;
}

void GroupedGemmCase::compute_reference() {
  allocate();
  grouped_gemm_ref_rows(params(), check_rows_, ref.data());
}

void GroupedGemmCase::poison_output() {
  allocate();
  c.fill(bf16_quiet_nan);
}

CheckResult GroupedGemmCase::check_output() const {
  if (!allocated_) {
    CheckResult r;
    r.detail = "nothing to check: inputs were never filled";
    return r;
  }
  const auto N = static_cast<std::size_t>(shape_.n);
  if (check_rows_.size() == static_cast<std::size_t>(total_rows())) {
    return compare_to_reference(c.span(), ref.span(), router::kBf16OutTolerance);
  }
  std::vector<bf16> picked(check_rows_.size() * N);
  for (std::size_t i = 0; i < check_rows_.size(); ++i) {
    std::copy_n(c.data() + static_cast<std::size_t>(check_rows_[i]) * N, N, picked.data() + i * N);
  }
  CheckResult r = compare_to_reference(std::span<const bf16>(picked), ref.span(), router::kBf16OutTolerance);
  r.detail = "sampled " + std::to_string(check_rows_.size()) + " of " + std::to_string(total_rows()) +
             " rows (element index i is row check_rows[i / n]); " + r.detail;
  // Rows outside the sample must at least have been written (the poison is NaN).
  const std::size_t unwritten = count_non_finite(c.span());
  if (unwritten > 0) {
    r.passed = false;
    r.detail = std::to_string(unwritten) + " output elements not finite (unwritten?); " + r.detail;
  }
  return r;
}

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  for (const auto& m : kModels) {
    names.push_back(std::string(m.model) + ".up");
    names.push_back(std::string(m.model) + ".down");
  }
  return names;
}

std::unique_ptr<OpCase> make_case(const ShapeArgs& args) {
  const std::size_t index = moe_detail::preset_index(args, preset_names());
  const ExpertFfn& m = kModels[index / 2];
  const bool down = index % 2 == 1;
  const moe_detail::Dims d(args,
                           {{"tokens", 4096},
                            {"topk", m.topk},
                            {"groups", m.experts},
                            {"n", down ? m.hidden : m.width},
                            {"k", down ? m.width : m.hidden},
                            {"zipf_x1000", 0},
                            {"routing_seed", 1}},
                           kGroupedGemmOp);
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
  GroupedGemmShape s;
  s.m = router::group_sizes(tokens, groups, topk, zipf_s, static_cast<std::uint64_t>(d.get("routing_seed")));
  s.n = d.get("n");
  s.k = d.get("k");
  std::ostringstream os;
  os << (zipf_s == 0 ? "balanced" : "zipf=" + std::to_string(zipf_s).substr(0, 5)) << " tokens=" << tokens << " top"
     << topk;
  s.routing = os.str();
  return std::make_unique<GroupedGemmCase>(std::move(s), d.origin());
}

}  // namespace moelab::kernels::grouped_gemm
