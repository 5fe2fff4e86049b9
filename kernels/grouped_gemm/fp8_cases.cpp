#include "kernels/grouped_gemm/fp8_cases.hpp"

#include <algorithm>
#include <sstream>

#include "base/input_error.hpp"
#include "kernels/common/input_generation.hpp"
#include "kernels/common/random_fill.hpp"
#include "kernels/grouped_gemm/check_rows.hpp"
#include "kernels/grouped_gemm/expert_ffn.hpp"
#include "kernels/grouped_gemm/ref/fp8_ref.hpp"
#include "kernels/grouped_gemm/row_groups.hpp"
#include "kernels/router/detail/dims.hpp"
#include "kernels/router/routing.hpp"

namespace moelab::kernels::grouped_gemm {

GroupedGemmFp8Case::GroupedGemmFp8Case(GroupedGemmFp8Shape s, const std::string& origin) : shape_(std::move(s)) {
  const SourceLocation where{origin, 0, 0};
  if (shape_.m.empty()) throw InputError(where, "groups", "must be >= 1");
  if (shape_.n < 1) throw InputError(where, "n", "must be >= 1, got " + std::to_string(shape_.n));
  if (shape_.k < kFp8ScaleBlock || shape_.k % kFp8ScaleBlock != 0) {
    throw InputError(where, "k",
                     "must be a positive multiple of 128 (the scale block), got " + std::to_string(shape_.k));
  }
  m_offsets = row_offsets(shape_.m, where);
  check_rows_ = choose_check_rows(shape_.m, m_offsets.data(), static_cast<double>(shape_.n) * shape_.k);
}

void GroupedGemmFp8Case::allocate() {
  if (allocated_) return;
  allocated_ = true;
  const auto N = static_cast<std::size_t>(shape_.n), K = static_cast<std::size_t>(shape_.k);
  const auto rows = static_cast<std::size_t>(total_rows());
  const auto kb = K / kFp8ScaleBlock, nb = (N + kFp8ScaleBlock - 1) / kFp8ScaleBlock;
  a = AlignedBuffer<std::uint8_t>(rows * K);
  a_scale = AlignedBuffer<float>(rows * kb);
  b = AlignedBuffer<std::uint8_t>(shape_.m.size() * N * K);
  b_scale = AlignedBuffer<float>(shape_.m.size() * nb * kb);
  c = AlignedBuffer<bf16>(rows * N);
  ref = AlignedBuffer<double>(check_rows_.size() * N);
}

int GroupedGemmFp8Case::nonempty_groups() const { return grouped_gemm::nonempty_groups(shape_.m); }

ExpertLoad GroupedGemmFp8Case::expert_load() const { return expert_load_from_counts(shape_.m); }

std::string GroupedGemmFp8Case::shape_text() const {
  std::ostringstream os;
  const auto [lo, hi] = std::minmax_element(shape_.m.begin(), shape_.m.end());
  os << "groups=" << groups() << " rows=" << total_rows() << " m=" << *lo << ".." << *hi << " n=" << shape_.n
     << " k=" << shape_.k << " e4m3 1x128/128x128";
  if (!shape_.routing.empty()) os << " " << shape_.routing;
  return os.str();
}

std::vector<ShapeDim> GroupedGemmFp8Case::shape_dims() const {
  return grouped_shape_dims(shape_.m, total_rows(), shape_.n, shape_.k);
}

double GroupedGemmFp8Case::flops() const { return 2.0 * total_rows() * static_cast<double>(shape_.n) * shape_.k; }

double GroupedGemmFp8Case::bytes() const {
  const double rows = total_rows(), N = shape_.n, K = shape_.k;
  const double kb = K / kFp8ScaleBlock, nb = std::ceil(N / kFp8ScaleBlock);
  return rows * K + 4.0 * rows * kb + nonempty_groups() * (N * K + 4.0 * nb * kb) + 2.0 * rows * N;
}

void GroupedGemmFp8Case::fill_inputs(std::uint64_t seed) {
  allocate();
  for (int t = 0; t < 4; ++t) seeds_[t] = derive_seed(seed, 21 + t);
  fill_counter_fp8_e4m3(a.span(), kFp8InputRange, seeds_[0]);
  fill_counter_scale(a_scale.span(), kFp8ScaleLo, kFp8ScaleHi, seeds_[1]);
  fill_counter_fp8_e4m3(b.span(), kFp8InputRange, seeds_[2]);
  fill_counter_scale(b_scale.span(), kFp8ScaleLo, kFp8ScaleHi, seeds_[3]);
  generation_ = new_input_generation();
}

GroupedGemmFp8Params GroupedGemmFp8Case::params() {
  allocate();
  GroupedGemmFp8Params p;
  p.a = a.data();
  p.a_scale = a_scale.data();
  p.b = b.data();
  p.b_scale = b_scale.data();
  p.c = reinterpret_cast<std::uint16_t*>(c.data());
  p.m_offsets = m_offsets.data();
  p.groups = groups();
  p.n = shape_.n;
  p.k = shape_.k;
  p.total_rows = total_rows();
  return p;
}

void GroupedGemmFp8Case::compute_reference() { grouped_gemm_fp8_ref_rows(params(), check_rows_, ref.data()); }

void GroupedGemmFp8Case::poison_output() {
  allocate();
  c.fill(bf16_quiet_nan);
}

CheckResult GroupedGemmFp8Case::check_output() const {
  if (!allocated_) {
    CheckResult r;
    r.detail = "nothing to check: inputs were never filled";
    return r;
  }
  return check_rows_against_reference(c.span(), ref.span(), check_rows_, total_rows(), shape_.n, kFp8Tolerance);
}

std::vector<std::string> fp8_preset_names() {
  std::vector<std::string> names;
  for (const auto& m : kExpertFfns) {
    names.push_back(std::string(m.model) + ".gate_up");
    names.push_back(std::string(m.model) + ".down");
  }
  return names;
}

std::unique_ptr<OpCase> make_fp8_case(const ShapeArgs& args) {
  const std::size_t index = moe_detail::preset_index(args, fp8_preset_names());
  const ExpertFfn& m = kExpertFfns[index / 2];
  const bool down = index % 2 == 1;
  const moe_detail::Dims d(args,
                           {{"tokens", 4096},
                            {"topk", m.topk},
                            {"groups", m.experts},
                            {"n", down ? m.hidden : 2 * m.width},
                            {"k", down ? m.width : m.hidden},
                            {"zipf_x1000", 0},
                            {"routing_seed", 1}},
                           kGroupedGemmFp8Op);
  RoutedRows routed = routed_rows(d);
  GroupedGemmFp8Shape s;
  s.m = std::move(routed.m);
  s.n = d.get("n");
  s.k = d.get("k");
  s.routing = std::move(routed.routing);
  return std::make_unique<GroupedGemmFp8Case>(std::move(s), d.origin());
}

}  // namespace moelab::kernels::grouped_gemm
