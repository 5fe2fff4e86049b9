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

// For times (lower is better), with an equivalence margin m (default 2%): a difference smaller
// than m is of no practical interest, however precisely it is measured.
//   SAME       the whole CI of candidate/baseline lies inside [1 - m, 1 + m] (equivalence shown)
//   FASTER     the CI lies below 1 (the difference is real) and the ratio is below 1 - m
//   SLOWER     the CI lies above 1 and the ratio is above 1 + m
//   UNDECIDED  anything else: no CI (too few samples), or a CI too wide to tell whether the
//              difference exceeds the margin (more samples would decide)
// With m = 0 this is the plain rule "CI below 1 / above 1 / contains 1" (SAME needs ratio == 1
// exactly, so a zero margin leaves SAME to identical sample sets).
enum class Verdict { faster, slower, same, undecided };

inline constexpr double kDefaultEquivalenceMargin = 0.02;
// Fewer samples than this on either side give no CI: the percentile bootstrap of a median
// undercovers at small n (tests/lab/ab/test_stats.cpp measures it), so a verdict on
// fewer than 20 samples a side would claim more confidence than it has.
inline constexpr std::size_t kMinSamplesForVerdict = 20;
Verdict verdict_of(const RatioCI& ci, double equivalence_margin = kDefaultEquivalenceMargin);
std::string_view to_string(Verdict v);  // "FASTER" | "SLOWER" | "SAME" | "UNDECIDED"

// ---- throttled samples (NVBench's rule) ----
// A sample whose measured SM clock is below threshold x the device's default (maximum) clock
// ran throttled: it is dropped and the harness pauses before the next one. NVBench uses 0.75.
// The clock is measured over the sample window (clock64 / globaltimer on SM 0); windows shorter
// than kMinClockWindowS are never judged (globaltimer's ~1 us granularity makes them noisy).
inline constexpr double kDefaultThrottleThreshold = 0.75;
inline constexpr double kMinClockWindowS = 50e-6;
bool is_throttled(double measured_sm_clock_hz, double default_sm_clock_hz, double window_s, double threshold);

// NVBench's recovery pause after a throttled sample: the base delay, grown by
// min(1.5 x delay, 0.5 s) once more than two samples in a row were throttled.
double next_throttle_delay_s(double current_delay_s, int consecutive_throttled);

// ---- per-variant sample allocation under one time cap ----
// In each round every still-active variant takes this many consecutive samples: enough that it
// spends about as long as the slowest active variant's single sample (`slot_s`), so a slow
// baseline no longer caps the sample count of fast variants; at least 1, at most max_reps.
int samples_this_round(double own_estimate_s, double slot_s, int max_reps);

}  // namespace moelab::ab
