#include "kernels/router/cases.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "base/input_error.hpp"
#include "kernels/common/error_metrics.hpp"
#include "kernels/common/random_fill.hpp"
#include "kernels/router/detail/dims.hpp"
#include "kernels/router/presets.hpp"
#include "kernels/router/ref/router_ref.hpp"
#include "kernels/router/routing.hpp"

namespace moelab::kernels::router {
namespace {

constexpr std::int32_t kPoisonIndex = -1;

InputError shape_error(const std::string& origin, const std::string& key, const std::string& problem) {
  return InputError({origin, 0, 0}, key, problem);
}

void validate_routing(int tokens, int experts, int k, const std::string& origin) {
  if (tokens < 1) throw shape_error(origin, "tokens", "must be >= 1, got " + std::to_string(tokens));
  if (experts < 1) throw shape_error(origin, "experts", "must be >= 1, got " + std::to_string(experts));
  if (k < 1 || k > experts) {
    throw shape_error(origin, "k", "must be in [1, experts=" + std::to_string(experts) + "], got " + std::to_string(k));
  }
  if (static_cast<std::int64_t>(tokens) * k > std::numeric_limits<std::int32_t>::max()) {
    throw shape_error(origin, "tokens", "tokens * k must fit in int32");
  }
}

double quantised(double v, double step) { return std::round(v / step) * step; }

std::string zipf_text(double s) {
  if (s == 0) return "uniform";
  std::ostringstream os;
  os << "zipf=" << s;
  return os.str();
}

const RouterModel& preset_model(const ShapeArgs& args) {
  return router_models()[moe_detail::preset_index(args, router_model_names())];
}

}  // namespace

// ---------------------------------------------------------------- router.topk

TopkCase::TopkCase(TopkShape s, const std::string& origin) : shape_(s) {
  validate_routing(s.tokens, s.experts, s.k, origin);
  if (s.n_group < 1 || s.experts % s.n_group != 0) {
    throw shape_error(origin, "n_group",
                      "must divide experts=" + std::to_string(s.experts) + ", got " + std::to_string(s.n_group));
  }
  if (s.scoring == Scoring::softmax && (s.n_group != 1 || s.topk_group != 1)) {
    throw shape_error(origin, "n_group", "group-limited routing needs sigmoid scoring (sigmoid=1)");
  }
  if (s.topk_group < 1 || s.topk_group > s.n_group) {
    throw shape_error(origin, "topk_group", "must be in [1, n_group], got " + std::to_string(s.topk_group));
  }
  const int group_size = s.experts / s.n_group;
  if (s.n_group > 1 && group_size < 2) {
    throw shape_error(origin, "n_group", "groups need >= 2 experts (a group scores by its top-2)");
  }
  if (s.topk_group * group_size < s.k) {
    throw shape_error(origin, "topk_group", "topk_group * experts/n_group must be >= k");
  }
  if (!(s.routed_scaling > 0) || !std::isfinite(s.routed_scaling)) {
    throw shape_error(origin, "routed_scaling_x1000", "must be positive");
  }
}

// logits + bias (fp32), ids and weights (int32, fp32), their ref copies (int32, fp64).
double TopkCase::host_bytes() const {
  const double nk = static_cast<double>(shape_.tokens) * shape_.k;
  return 4.0 * static_cast<double>(shape_.tokens) * shape_.experts + 4.0 * shape_.experts + 20.0 * nk;
}

void TopkCase::allocate() {
  if (allocated_) return;
  allocated_ = true;
  const auto& s = shape_;
  const std::size_t n = static_cast<std::size_t>(s.tokens) * s.experts;
  const std::size_t nk = static_cast<std::size_t>(s.tokens) * s.k;
  logits = AlignedBuffer<float>(n);
  bias = AlignedBuffer<float>(s.experts);
  ids = AlignedBuffer<std::int32_t>(nk);
  weights = AlignedBuffer<float>(nk);
  ref_ids = AlignedBuffer<std::int32_t>(nk);
  ref_weights = AlignedBuffer<double>(nk);
}

std::vector<ShapeDim> TopkCase::shape_dims() const {
  return {{"tokens", shape_.tokens},
          {"experts", shape_.experts},
          {"topk", shape_.k},
          {"n_group", shape_.n_group},
          {"topk_group", shape_.topk_group}};
}

std::string TopkCase::shape_text() const {
  std::ostringstream os;
  os << "tokens=" << shape_.tokens << " experts=" << shape_.experts << " k=" << shape_.k
     << (shape_.scoring == Scoring::softmax ? " softmax" : " sigmoid+bias");
  if (shape_.n_group > 1) os << " groups=" << shape_.n_group << "/top" << shape_.topk_group;
  if (shape_.scoring == Scoring::sigmoid) os << " scale=" << shape_.routed_scaling;
  os << (shape_.renormalize ? " renorm" : " no-renorm");
  return os.str();
}

double TopkCase::flops() const { return static_cast<double>(shape_.tokens) * shape_.experts; }

double TopkCase::bytes() const {
  return 4.0 * static_cast<double>(shape_.tokens) * shape_.experts + 4.0 * shape_.experts +
         8.0 * static_cast<double>(shape_.tokens) * shape_.k;
}

void TopkCase::fill_inputs(std::uint64_t seed) {
  allocate();
  fill_uniform(logits.span(), -4.0f, 4.0f, derive_seed(seed, 1));
  for (auto& x : logits) x = static_cast<float>(quantised(x, 1.0 / 16));
  fill_uniform(bias.span(), -0.5f, 0.5f, derive_seed(seed, 2));
  for (auto& b : bias) b = static_cast<float>(quantised(b, 1.0 / 64));
}

TopkParams TopkCase::params() {
  allocate();
  TopkParams p;
  p.logits = logits.data();
  p.bias = bias.data();
  p.topk_ids = ids.data();
  p.topk_weights = weights.data();
  p.tokens = shape_.tokens;
  p.experts = shape_.experts;
  p.k = shape_.k;
  p.scoring = shape_.scoring;
  p.renormalize = shape_.renormalize;
  p.n_group = shape_.n_group;
  p.topk_group = shape_.topk_group;
  p.routed_scaling = shape_.routed_scaling;
  return p;
}

void TopkCase::compute_reference() {
  allocate();
  TopkParams p = params();
  p.topk_ids = ref_ids.data();
  p.topk_weights = nullptr;
  topk_ref(p, ref_weights.data());
}

void TopkCase::poison_output() {
  allocate();
  ids.fill(kPoisonIndex);
  weights.fill(std::numeric_limits<float>::quiet_NaN());
}

CheckResult TopkCase::check_output() const {
  CheckResult r;
  r.tolerance = kWeightTolerance;
  r.passed = true;
  const int k = shape_.k;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] != ref_ids[i]) {
      r.passed = false;
      r.max_abs_error = std::max(r.max_abs_error, 1.0);
      if (r.detail.empty()) {
        r.detail = "token " + std::to_string(i / k) + " slot " + std::to_string(i % k) + ": expert " +
                   std::to_string(ids[i]) + ", ref " + std::to_string(ref_ids[i]);
      }
    }
  }
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double out = weights[i];
    const double ref = ref_weights[i];
    const double abs_err = std::fabs(out - ref);
    const double rel = abs_err / std::max(std::fabs(ref), 1e-6);
    if (!std::isfinite(out) || !(rel <= kWeightTolerance)) {
      if (r.passed || r.detail.empty()) {
        r.detail = "token " + std::to_string(i / k) + " slot " + std::to_string(i % k) + ": weight " +
                   std::to_string(out) + ", ref " + std::to_string(ref);
      }
      r.passed = false;
    }
    if (std::isfinite(out)) {
      r.max_abs_error = std::max(r.max_abs_error, abs_err);
      r.max_rel_error = std::max(r.max_rel_error, rel);
    } else {
      r.max_abs_error = r.max_rel_error = std::numeric_limits<double>::infinity();
    }
  }
  return r;
}

ExpertLoad TopkCase::expert_load() const { return routing_stats(ref_ids.span(), shape_.experts); }

// ---------------------------------------------------------------- router.permute

PermuteCase::PermuteCase(PermuteShape s, const std::string& origin) : shape_(s) {
  validate_routing(s.tokens, s.experts, s.k, origin);
  if (!(s.zipf_s >= 0)) throw shape_error(origin, "zipf_x1000", "must be >= 0");
}

// Seven int32 arrays: ids, sorted, inverse (and their refs) per assignment, offsets per expert.
double PermuteCase::host_bytes() const { return 20.0 * assignments() + 8.0 * (shape_.experts + 1.0); }

void PermuteCase::allocate() {
  if (allocated_) return;
  allocated_ = true;
  const auto& s = shape_;
  const std::size_t n = static_cast<std::size_t>(assignments());
  topk_ids = AlignedBuffer<std::int32_t>(n);
  sorted = AlignedBuffer<std::int32_t>(n);
  inverse = AlignedBuffer<std::int32_t>(n);
  offsets = AlignedBuffer<std::int32_t>(s.experts + 1);
  ref_sorted = AlignedBuffer<std::int32_t>(n);
  ref_inverse = AlignedBuffer<std::int32_t>(n);
  ref_offsets = AlignedBuffer<std::int32_t>(s.experts + 1);
}

std::vector<ShapeDim> PermuteCase::shape_dims() const {
  return {{"tokens", shape_.tokens}, {"experts", shape_.experts}, {"topk", shape_.k}, {"zipf", shape_.zipf_s}};
}

std::string PermuteCase::shape_text() const {
  return "tokens=" + std::to_string(shape_.tokens) + " experts=" + std::to_string(shape_.experts) +
         " k=" + std::to_string(shape_.k) + " " + zipf_text(shape_.zipf_s);
}

double PermuteCase::bytes() const { return 12.0 * assignments() + 4.0 * (shape_.experts + 1); }

void PermuteCase::fill_inputs(std::uint64_t seed) {
  allocate();
  const auto r = sample_routing(shape_.tokens, shape_.experts, shape_.k, shape_.zipf_s, derive_seed(seed, 3));
  std::copy(r.begin(), r.end(), topk_ids.begin());
}

PermuteParams PermuteCase::params() {
  allocate();
  return PermuteParams{topk_ids.data(), sorted.data(), offsets.data(), inverse.data(), assignments(), shape_.experts};
}

void PermuteCase::compute_reference() {
  allocate();
  permute_ref(PermuteParams{topk_ids.data(), ref_sorted.data(), ref_offsets.data(), ref_inverse.data(), assignments(),
                            shape_.experts});
}

void PermuteCase::poison_output() {
  allocate();
  sorted.fill(kPoisonIndex);
  inverse.fill(kPoisonIndex);
  offsets.fill(kPoisonIndex);
}

CheckResult PermuteCase::check_output() const {
  CheckResult r;
  r.tolerance = 0;
  auto fail = [&](std::string why) {
    r.passed = false;
    r.max_abs_error = r.max_rel_error = 1;
    r.detail = std::move(why);
    return r;
  };
  for (int e = 0; e <= shape_.experts; ++e) {
    if (offsets[e] != ref_offsets[e]) {
      return fail("expert_offsets[" + std::to_string(e) + "] = " + std::to_string(offsets[e]) + ", ref " +
                  std::to_string(ref_offsets[e]));
    }
  }
  const int n = assignments();
  // Each segment holds exactly its expert's assignments, each assignment once.
  std::vector<char> seen(n, 0);
  for (int e = 0; e < shape_.experts; ++e) {
    for (int pos = offsets[e]; pos < offsets[e + 1]; ++pos) {
      const std::int32_t a = sorted[pos];
      if (a < 0 || a >= n || seen[a] || topk_ids[a] != e) {
        return fail("sorted_assignments[" + std::to_string(pos) + "] = " + std::to_string(a) +
                    " does not belong to expert " + std::to_string(e) + " (or repeats)");
      }
      seen[a] = 1;
    }
  }
  for (int a = 0; a < n; ++a) {
    if (inverse[a] < 0 || inverse[a] >= n || sorted[inverse[a]] != a) {
      return fail("inverse[" + std::to_string(a) + "] = " + std::to_string(inverse[a]) + " is not consistent");
    }
  }
  if (expect_stable_) {
    for (int pos = 0; pos < n; ++pos) {
      if (sorted[pos] != ref_sorted[pos]) {
        return fail("stable order broken at position " + std::to_string(pos) + ": assignment " +
                    std::to_string(sorted[pos]) + ", ref " + std::to_string(ref_sorted[pos]));
      }
    }
  }
  r.passed = true;
  return r;
}

ExpertLoad PermuteCase::expert_load() const { return routing_stats(topk_ids.span(), shape_.experts); }

// ---------------------------------------------------------------- router.combine

CombineCase::CombineCase(CombineShape s, const std::string& origin) : shape_(s) {
  validate_routing(s.tokens, s.experts, s.k, origin);
  if (s.hidden < 1) throw shape_error(origin, "hidden", "must be >= 1, got " + std::to_string(s.hidden));
  if (!(s.zipf_s >= 0)) throw shape_error(origin, "zipf_x1000", "must be >= 0");
}

// Expert rows and the output (bf16), inverse and weights (4 bytes each), the fp64 ref.
double CombineCase::host_bytes() const {
  const double nk = static_cast<double>(shape_.tokens) * shape_.k;
  return 2.0 * nk * shape_.hidden + 8.0 * nk + 10.0 * shape_.tokens * static_cast<double>(shape_.hidden);
}

void CombineCase::allocate() {
  if (allocated_) return;
  allocated_ = true;
  const auto& s = shape_;
  const std::size_t nk = static_cast<std::size_t>(s.tokens) * s.k;
  expert_out = AlignedBuffer<bf16>(nk * s.hidden);
  inverse = AlignedBuffer<std::int32_t>(nk);
  weights = AlignedBuffer<float>(nk);
  out = AlignedBuffer<bf16>(static_cast<std::size_t>(s.tokens) * s.hidden);
  ref = AlignedBuffer<double>(out.size());
}

std::vector<ShapeDim> CombineCase::shape_dims() const {
  return {{"tokens", shape_.tokens},
          {"experts", shape_.experts},
          {"topk", shape_.k},
          {"hidden", shape_.hidden},
          {"zipf", shape_.zipf_s}};
}

std::string CombineCase::shape_text() const {
  return "tokens=" + std::to_string(shape_.tokens) + " experts=" + std::to_string(shape_.experts) +
         " k=" + std::to_string(shape_.k) + " hidden=" + std::to_string(shape_.hidden) + " " + zipf_text(shape_.zipf_s);
}

double CombineCase::flops() const { return 2.0 * shape_.tokens * shape_.k * static_cast<double>(shape_.hidden); }

double CombineCase::bytes() const {
  const double nk = static_cast<double>(shape_.tokens) * shape_.k;
  return 2.0 * nk * shape_.hidden + 2.0 * shape_.tokens * static_cast<double>(shape_.hidden) + 8.0 * nk;
}

void CombineCase::fill_inputs(std::uint64_t seed) {
  allocate();
  routing_ = sample_routing(shape_.tokens, shape_.experts, shape_.k, shape_.zipf_s, derive_seed(seed, 4));
  const int n = static_cast<int>(routing_.size());
  std::vector<std::int32_t> sorted_tmp(n), offsets_tmp(shape_.experts + 1);
  permute_ref(PermuteParams{routing_.data(), sorted_tmp.data(), offsets_tmp.data(), inverse.data(), n, shape_.experts});
  fill_normal(expert_out.span(), 0.0f, 1.0f, derive_seed(seed, 5));
  fill_uniform(weights.span(), 0.05f, 1.0f, derive_seed(seed, 6));
}

ExpertLoad CombineCase::expert_load() const {
  if (routing_.empty()) throw std::logic_error("CombineCase::expert_load before fill_inputs");
  return routing_stats(routing_, shape_.experts);
}

CombineParams CombineCase::params() {
  allocate();
  return CombineParams{reinterpret_cast<const std::uint16_t*>(expert_out.data()),
                       inverse.data(),
                       weights.data(),
                       reinterpret_cast<std::uint16_t*>(out.data()),
                       shape_.tokens,
                       shape_.k,
                       shape_.hidden};
}

void CombineCase::compute_reference() {
  allocate();
  combine_ref(params(), ref.data());
}

void CombineCase::poison_output() {
  allocate();
  out.fill(bf16_quiet_nan);
}

CheckResult CombineCase::check_output() const {
  return compare_to_reference(out.span(), ref.span(), kBf16OutTolerance);
}

// ---------------------------------------------------------------- registry hooks

std::vector<std::string> topk_preset_names() { return router_model_names(); }
std::vector<std::string> permute_preset_names() { return router_model_names(); }
std::vector<std::string> combine_preset_names() { return router_model_names(); }

std::unique_ptr<OpCase> make_topk_case(const ShapeArgs& args) {
  const RouterModel& m = preset_model(args);
  const moe_detail::Dims d(args,
                           {{"tokens", 16384},
                            {"experts", m.experts},
                            {"k", m.k},
                            {"sigmoid", m.sigmoid ? 1 : 0},
                            {"renormalize", m.renormalize ? 1 : 0},
                            {"n_group", m.n_group},
                            {"topk_group", m.topk_group},
                            {"routed_scaling_x1000", std::llround(m.routed_scaling * 1000)}},
                           kTopkOp);
  TopkShape s;
  s.tokens = d.get("tokens");
  s.experts = d.get("experts");
  s.k = d.get("k");
  s.scoring = d.flag("sigmoid") ? Scoring::sigmoid : Scoring::softmax;
  s.renormalize = d.flag("renormalize");
  s.n_group = d.get("n_group");
  s.topk_group = d.get("topk_group");
  s.routed_scaling = static_cast<float>(d.get("routed_scaling_x1000") / 1000.0);
  return std::make_unique<TopkCase>(s, d.origin());
}

std::unique_ptr<OpCase> make_permute_case(const ShapeArgs& args) {
  const RouterModel& m = preset_model(args);
  const moe_detail::Dims d(args, {{"tokens", 16384}, {"experts", m.experts}, {"k", m.k}, {"zipf_x1000", 0}},
                           kPermuteOp);
  PermuteShape s;
  s.tokens = d.get("tokens");
  s.experts = d.get("experts");
  s.k = d.get("k");
  s.zipf_s = d.at_least("zipf_x1000", 0) / 1000.0;
  return std::make_unique<PermuteCase>(s, d.origin());
}

std::unique_ptr<OpCase> make_combine_case(const ShapeArgs& args) {
  const RouterModel& m = preset_model(args);
  const moe_detail::Dims d(
      args, {{"tokens", 4096}, {"experts", m.experts}, {"k", m.k}, {"hidden", m.hidden}, {"zipf_x1000", 0}},
      kCombineOp);
  CombineShape s;
  s.tokens = d.get("tokens");
  s.experts = d.get("experts");
  s.k = d.get("k");
  s.hidden = d.get("hidden");
  s.zipf_s = d.at_least("zipf_x1000", 0) / 1000.0;
  return std::make_unique<CombineCase>(s, d.origin());
}

}  // namespace moelab::kernels::router
