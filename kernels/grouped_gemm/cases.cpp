#include "kernels/grouped_gemm/cases.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "base/input_error.hpp"
#include "kernels/common/input_generation.hpp"
#include "kernels/common/random_fill.hpp"
#include "kernels/grouped_gemm/check_rows.hpp"
#include "kernels/grouped_gemm/expert_ffn.hpp"
#include "kernels/grouped_gemm/ref/grouped_gemm_ref.hpp"
#include "kernels/grouped_gemm/row_groups.hpp"
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
  m_offsets = row_offsets(shape_.m, where);
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

int GroupedGemmCase::nonempty_groups() const { return grouped_gemm::nonempty_groups(shape_.m); }

ExpertLoad GroupedGemmCase::expert_load() const { return expert_load_from_counts(shape_.m); }

std::vector<ShapeDim> GroupedGemmCase::shape_dims() const {
  return grouped_shape_dims(shape_.m, total_rows(), shape_.n, shape_.k);
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
  return check_rows_against_reference(c.span(), ref.span(), check_rows_, total_rows(), shape_.n,
                                      router::kBf16OutTolerance);
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
  RoutedRows routed = routed_rows(d);
  GroupedGemmShape s;
  s.m = std::move(routed.m);
  s.n = d.get("n");
  s.k = d.get("k");
  s.routing = std::move(routed.routing);
  return std::make_unique<GroupedGemmCase>(std::move(s), d.origin());
}

}  // namespace moelab::kernels::grouped_gemm
