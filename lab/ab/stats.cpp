#include "lab/ab/stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "base/rng.hpp"

namespace moelab::ab {
namespace {

// Median of a scratch vector, reordering it (nth_element: O(n)).
double median_inplace(std::vector<double>& v) {
  const std::size_t n = v.size();
  const std::size_t mid = n / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (n % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return 0.5 * (lower + upper);
}

}  // namespace

double quantile_sorted(std::span<const double> sorted, double q) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  return sorted[lo] + frac * (sorted[hi] - sorted[lo]);
}

double median(std::span<const double> values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::vector<double> v(values.begin(), values.end());
  return median_inplace(v);
}

SampleSummary summarize(std::span<const double> values) {
  SampleSummary s;
  s.count = values.size();
  if (values.empty()) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    s.median = s.q25 = s.q75 = s.iqr = s.min = s.max = nan;
    return s;
  }
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  s.median = quantile_sorted(sorted, 0.5);
  s.q25 = quantile_sorted(sorted, 0.25);
  s.q75 = quantile_sorted(sorted, 0.75);
  s.iqr = s.q75 - s.q25;
  s.min = sorted.front();
  s.max = sorted.back();
  return s;
}

double relative_median_ci_halfwidth(std::span<const double> values) {
  const std::size_t n = values.size();
  if (n < 2) return std::numeric_limits<double>::infinity();
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  const double med = quantile_sorted(sorted, 0.5);
  if (!(med > 0)) return std::numeric_limits<double>::infinity();
  // 1-based ranks of the order statistics bounding the median's 95% CI (normal approximation
  // to Binomial(n, 1/2)), clamped to the sample.
  const double half_spread = 1.96 * std::sqrt(static_cast<double>(n)) / 2.0;
  const double n_half = static_cast<double>(n) / 2.0;
  const auto lo_rank = static_cast<std::ptrdiff_t>(std::floor(n_half - half_spread));
  const auto hi_rank = static_cast<std::ptrdiff_t>(std::ceil(n_half + 1.0 + half_spread));
  const auto last = static_cast<std::ptrdiff_t>(n);
  const double lo = sorted[static_cast<std::size_t>(std::clamp<std::ptrdiff_t>(lo_rank, 1, last) - 1)];
  const double hi = sorted[static_cast<std::size_t>(std::clamp<std::ptrdiff_t>(hi_rank, 1, last) - 1)];
  return (hi - lo) / 2.0 / med;
}

RatioCI bootstrap_ratio_of_medians(std::span<const double> baseline, std::span<const double> candidate,
                                   std::uint64_t seed, int resamples, double confidence) {
  if (baseline.empty() || candidate.empty())
    throw std::invalid_argument("bootstrap_ratio_of_medians: empty sample set");
  if (resamples < 10) throw std::invalid_argument("bootstrap_ratio_of_medians: too few resamples");
  if (!(confidence > 0 && confidence < 1))
    throw std::invalid_argument("bootstrap_ratio_of_medians: confidence not in (0, 1)");
  RatioCI ci;
  ci.confidence = confidence;
  ci.resamples = resamples;
  ci.ratio = median(candidate) / median(baseline);

  Rng rng(seed);
  std::vector<double> ratios(static_cast<std::size_t>(resamples));
  std::vector<double> scratch_a(baseline.size());
  std::vector<double> scratch_b(candidate.size());
  for (auto& r : ratios) {
    for (auto& x : scratch_a) x = baseline[rng.below(baseline.size())];
    for (auto& x : scratch_b) x = candidate[rng.below(candidate.size())];
    r = median_inplace(scratch_b) / median_inplace(scratch_a);
  }
  std::sort(ratios.begin(), ratios.end());
  const double tail = (1.0 - confidence) / 2.0;
  ci.lo = quantile_sorted(ratios, tail);
  ci.hi = quantile_sorted(ratios, 1.0 - tail);
  return ci;
}

Verdict verdict_of(const RatioCI& ci, double margin) {
  if (std::isnan(ci.lo) || std::isnan(ci.hi) || std::isnan(ci.ratio)) return Verdict::undecided;
  if (!(margin >= 0 && margin < 1)) throw std::invalid_argument("verdict_of: equivalence margin not in [0, 1)");
  if (ci.lo >= 1.0 - margin && ci.hi <= 1.0 + margin) return Verdict::same;
  if (ci.hi < 1.0 && ci.ratio < 1.0 - margin) return Verdict::faster;
  if (ci.lo > 1.0 && ci.ratio > 1.0 + margin) return Verdict::slower;
  return Verdict::undecided;
}

bool is_throttled(double measured_hz, double default_hz, double window_s, double threshold) {
  if (!(measured_hz > 0) || !(default_hz > 0) || !(window_s >= kMinClockWindowS)) return false;
  return measured_hz < threshold * default_hz;
}

double next_throttle_delay_s(double current_delay_s, int consecutive_throttled) {
  if (consecutive_throttled > 2) return current_delay_s + std::min(current_delay_s * 1.5, 0.5);
  return current_delay_s;
}

int samples_this_round(double own_estimate_s, double slot_s, int max_reps) {
  if (max_reps < 1) return 1;
  if (!(own_estimate_s > 0) || !(slot_s > own_estimate_s)) return 1;
  const double reps = std::floor(slot_s / own_estimate_s);
  return static_cast<int>(std::clamp(reps, 1.0, static_cast<double>(max_reps)));
}

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::faster:
      return "FASTER";
    case Verdict::slower:
      return "SLOWER";
    case Verdict::same:
      return "SAME";
    case Verdict::undecided:
      return "UNDECIDED";
  }
  return "?";
}

}  // namespace moelab::ab
