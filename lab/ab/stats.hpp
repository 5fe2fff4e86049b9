#pragma once
// Statistics for A/B timing: robust summaries of timing samples, a stopping rule, and a
// bootstrap confidence interval of the ratio of two medians with a three-way verdict.
// Everything is deterministic: the bootstrap draws from an explicitly seeded Rng (base/rng.hpp).
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace moelab::ab {

// Linear-interpolation quantile (Hyndman-Fan type 7, numpy's default) of SORTED values; q in [0, 1].
double quantile_sorted(std::span<const double> sorted, double q);
double median(std::span<const double> values);

struct SampleSummary {
  std::size_t count = 0;
  double median = 0;
  double q25 = 0;
  double q75 = 0;
  double iqr = 0;  // q75 - q25
  double min = 0;
  double max = 0;
};
SampleSummary summarize(std::span<const double> values);

// The stopping rule's noise measure: the relative half-width of the distribution-free 95%
// confidence interval of the median, built from order statistics (ranks n/2 -+ 1.96 sqrt(n)/2).
// It shrinks like 1/sqrt(n) for any distribution, ignores outliers, and needs no resampling, so
// it can be evaluated after every round. Returns +inf for fewer than 2 samples or a zero median.
double relative_median_ci_halfwidth(std::span<const double> values);

struct RatioCI {
  double ratio = 0;  // median(candidate) / median(baseline)
  double lo = 0;     // percentile-bootstrap bounds at `confidence`
  double hi = 0;
  double confidence = 0.95;
  int resamples = 0;
};

// Percentile bootstrap: `resamples` times, resample both sets with replacement (independently)
// and take the ratio of their medians; the CI is the central `confidence` range of those ratios.
RatioCI bootstrap_ratio_of_medians(std::span<const double> baseline, std::span<const double> candidate,
                                   std::uint64_t seed, int resamples = 2000, double confidence = 0.95);

// For times (lower is better): FASTER when the whole CI of candidate/baseline lies below 1,
// SLOWER when above 1, SAME when it contains 1; UNDECIDED when there is no CI (too few samples).
enum class Verdict { faster, slower, same, undecided };

// Fewer samples than this on either side give no CI (a bootstrap of 1-4 values is degenerate).
inline constexpr std::size_t kMinSamplesForVerdict = 5;
Verdict verdict_of(const RatioCI& ci);
std::string_view to_string(Verdict v);  // "FASTER" | "SLOWER" | "SAME" | "UNDECIDED"

}  // namespace moelab::ab
