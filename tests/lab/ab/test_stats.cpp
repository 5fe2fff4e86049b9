#include <boost/test/unit_test.hpp>

#include <cmath>
#include <ostream>
#include <vector>

#include "base/rng.hpp"
#include "lab/ab/stats.hpp"

using namespace moelab::ab;

namespace moelab::ab {
// Lets Boost.Test print verdicts in failure messages.
std::ostream& operator<<(std::ostream& os, Verdict v) { return os << to_string(v); }
}  // namespace moelab::ab

namespace {

// n timing-like samples: median_s * (1 + spread * (2u - 1)), u uniform; the true median is median_s.
std::vector<double> uniform_samples(std::size_t n, double median_s, double spread, std::uint64_t seed) {
  moelab::Rng rng(seed);
  std::vector<double> v(n);
  for (auto& x : v) x = median_s * (1.0 + spread * (2.0 * rng.uniform01() - 1.0));
  return v;
}

// Right-skewed like real timings: median_s * (1 + spread * (E - ln 2)), E ~ Exp(1); true median median_s.
std::vector<double> skewed_samples(std::size_t n, double median_s, double spread, std::uint64_t seed) {
  moelab::Rng rng(seed);
  std::vector<double> v(n);
  for (auto& x : v) x = median_s * (1.0 + spread * (-std::log(rng.uniform_open()) - std::log(2.0)));
  return v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ab_stats)

BOOST_AUTO_TEST_CASE(quantiles_follow_linear_interpolation) {
  const std::vector<double> sorted{1, 2, 3, 4};
  BOOST_TEST(quantile_sorted(sorted, 0.5) == 2.5);
  BOOST_TEST(quantile_sorted(sorted, 0.25) == 1.75);
  BOOST_TEST(quantile_sorted(sorted, 0.0) == 1.0);
  BOOST_TEST(quantile_sorted(sorted, 1.0) == 4.0);
  BOOST_TEST(median(std::vector<double>{5, 1, 3}) == 3.0);
  BOOST_TEST(median(std::vector<double>{4, 1, 3, 2}) == 2.5);
  BOOST_TEST(std::isnan(median(std::vector<double>{})));
}

BOOST_AUTO_TEST_CASE(summary_reports_median_and_iqr) {
  const std::vector<double> v{9, 1, 5, 3, 7};  // sorted 1 3 5 7 9
  const auto s = summarize(v);
  BOOST_TEST(s.count == 5u);
  BOOST_TEST(s.median == 5.0);
  BOOST_TEST(s.q25 == 3.0);
  BOOST_TEST(s.q75 == 7.0);
  BOOST_TEST(s.iqr == 4.0);
  BOOST_TEST(s.min == 1.0);
  BOOST_TEST(s.max == 9.0);
}

BOOST_AUTO_TEST_CASE(noise_measure_shrinks_with_samples_and_ignores_outliers) {
  BOOST_TEST(std::isinf(relative_median_ci_halfwidth(std::vector<double>{1.0})));
  BOOST_TEST(relative_median_ci_halfwidth(std::vector<double>(20, 2.0)) == 0.0);
  const double n30 = relative_median_ci_halfwidth(uniform_samples(30, 1e-3, 0.05, 7));
  const double n3000 = relative_median_ci_halfwidth(uniform_samples(3000, 1e-3, 0.05, 7));
  BOOST_TEST(n30 > 0.0);
  BOOST_TEST(n3000 < n30 / 5);  // ~1/sqrt(n): 10x fewer expected; 5x leaves room for sampling
  auto with_outliers = uniform_samples(101, 1e-3, 0.01, 3);
  const double clean = relative_median_ci_halfwidth(with_outliers);
  with_outliers[0] = 1.0;  // a 1000x outlier
  with_outliers[1] = 2.0;
  BOOST_TEST(relative_median_ci_halfwidth(with_outliers) < 2 * clean + 1e-12);
}

BOOST_AUTO_TEST_CASE(verdict_follows_the_interval_and_the_equivalence_margin) {
  BOOST_TEST(verdict_of(RatioCI{0.9, 0.85, 0.95}) == Verdict::faster);
  BOOST_TEST(verdict_of(RatioCI{1.1, 1.05, 1.15}) == Verdict::slower);
  BOOST_TEST(verdict_of(RatioCI{1.0, 0.98, 1.02}) == Verdict::same);  // the margin's edges count as inside
  // A real but tiny difference (0.3%, CI well away from 1) is SAME within the default 2% margin ...
  BOOST_TEST(verdict_of(RatioCI{0.997, 0.995, 0.999}) == Verdict::same);
  BOOST_TEST(verdict_of(RatioCI{1.003, 1.001, 1.005}) == Verdict::same);
  // ... and FASTER / SLOWER without one.
  BOOST_TEST(verdict_of(RatioCI{0.997, 0.995, 0.999}, 0.0) == Verdict::faster);
  BOOST_TEST(verdict_of(RatioCI{1.003, 1.001, 1.005}, 0.0) == Verdict::slower);
  // Significant, but the CI straddles the margin's edge with the ratio inside it: undecided.
  BOOST_TEST(verdict_of(RatioCI{0.985, 0.975, 0.995}) == Verdict::undecided);
  // Significant and beyond the margin: decided even though the CI reaches into it.
  BOOST_TEST(verdict_of(RatioCI{0.97, 0.96, 0.99}) == Verdict::faster);
  // Not significant and too wide to show equivalence.
  BOOST_TEST(verdict_of(RatioCI{1.0, 0.95, 1.05}) == Verdict::undecided);
  const double nan = std::nan("");
  BOOST_TEST(verdict_of(RatioCI{1.2, nan, nan}) == Verdict::undecided);
  BOOST_CHECK_THROW(verdict_of(RatioCI{1.0, 0.99, 1.01}, -0.1), std::invalid_argument);
  BOOST_TEST(to_string(Verdict::faster) == "FASTER");
  BOOST_TEST(to_string(Verdict::same) == "SAME");
  BOOST_TEST(to_string(Verdict::undecided) == "UNDECIDED");
}

BOOST_AUTO_TEST_CASE(small_real_differences_are_same_large_ones_are_not) {
  // Synthetic timings with 0.2% noise, 200 samples a side: the CI is a few tenths of a percent wide.
  const auto base = uniform_samples(200, 1.000e-3, 0.002, 101);
  const auto tiny_shift = uniform_samples(200, 1.003e-3, 0.002, 102);  // +0.3%: must be SAME
  const auto big_shift = uniform_samples(200, 1.050e-3, 0.002, 103);   // +5%: must be SLOWER
  const auto ci_tiny = bootstrap_ratio_of_medians(base, tiny_shift, 7);
  const auto ci_big = bootstrap_ratio_of_medians(base, big_shift, 7);
  BOOST_TEST(ci_tiny.lo > 1.0);                      // the difference is real ...
  BOOST_TEST(verdict_of(ci_tiny) == Verdict::same);  // ... and below the margin
  BOOST_TEST(verdict_of(ci_tiny, 0.0) == Verdict::slower);
  BOOST_TEST(verdict_of(ci_big) == Verdict::slower);
  const auto fast_shift = uniform_samples(200, 0.95e-3, 0.002, 104);
  BOOST_TEST(verdict_of(bootstrap_ratio_of_medians(base, fast_shift, 7)) == Verdict::faster);
}

BOOST_AUTO_TEST_CASE(samples_per_round_share_the_slowest_sample_time) {
  BOOST_TEST(samples_this_round(1e-3, 1e-3, 16) == 1);  // the slowest takes one
  BOOST_TEST(samples_this_round(1e-4, 1e-3, 16) == 10);
  BOOST_TEST(samples_this_round(1e-6, 1e-3, 16) == 16);  // capped
  BOOST_TEST(samples_this_round(0.0, 1e-3, 16) == 1);    // no estimate yet
  BOOST_TEST(samples_this_round(3e-4, 1e-3, 16) == 3);   // floor: never more time than the slot
}

BOOST_AUTO_TEST_CASE(bootstrap_is_deterministic_per_seed) {
  const auto a = skewed_samples(60, 1e-3, 0.05, 1);
  const auto b = skewed_samples(60, 1.05e-3, 0.05, 2);
  const auto x = bootstrap_ratio_of_medians(a, b, 42);
  const auto y = bootstrap_ratio_of_medians(a, b, 42);
  const auto z = bootstrap_ratio_of_medians(a, b, 43);
  BOOST_TEST(x.lo == y.lo);
  BOOST_TEST(x.hi == y.hi);
  BOOST_TEST((x.lo != z.lo || x.hi != z.hi));
  BOOST_TEST(x.ratio == median(b) / median(a));
  BOOST_TEST(x.lo <= x.ratio);
  BOOST_TEST(x.ratio <= x.hi);
}

BOOST_AUTO_TEST_CASE(identical_distributions_are_rarely_called_different) {
  // Under the null hypothesis a 95% CI excludes 1 about 5% of the time; allow up to 12% FASTER or
  // SLOWER. With 5% noise and 80 samples the CI is often wider than the 2% margin: UNDECIDED, not SAME.
  int different = 0;
  for (std::uint64_t s = 0; s < 100; ++s) {
    const auto a = skewed_samples(80, 1e-3, 0.05, 1000 + 2 * s);
    const auto b = skewed_samples(80, 1e-3, 0.05, 1001 + 2 * s);
    const auto v = verdict_of(bootstrap_ratio_of_medians(a, b, s, 1000));
    different += v == Verdict::faster || v == Verdict::slower;
  }
  BOOST_TEST(different <= 12);
}

BOOST_AUTO_TEST_CASE(identical_low_noise_distributions_are_mostly_same) {
  // 0.5% noise, 80 samples: the ratio's CI fits inside +-2% nearly always, so equivalence is shown.
  int same = 0;
  for (std::uint64_t s = 0; s < 100; ++s) {
    const auto a = skewed_samples(80, 1e-3, 0.005, 3000 + 2 * s);
    const auto b = skewed_samples(80, 1e-3, 0.005, 3001 + 2 * s);
    same += verdict_of(bootstrap_ratio_of_medians(a, b, s, 1000)) == Verdict::same;
  }
  BOOST_TEST(same >= 95);
}

BOOST_AUTO_TEST_CASE(ten_percent_shift_with_low_noise_is_detected) {
  for (std::uint64_t s = 0; s < 20; ++s) {
    const auto base = skewed_samples(40, 1e-3, 0.01, 3 * s + 1);
    const auto slow = skewed_samples(40, 1.1e-3, 0.01, 3 * s + 2);
    const auto fast = skewed_samples(40, 0.9e-3, 0.01, 3 * s + 3);
    const auto ci_slow = bootstrap_ratio_of_medians(base, slow, s);
    const auto ci_fast = bootstrap_ratio_of_medians(base, fast, s);
    BOOST_TEST(verdict_of(ci_slow) == Verdict::slower);
    BOOST_TEST(verdict_of(ci_fast) == Verdict::faster);
    BOOST_TEST(std::fabs(ci_slow.ratio - 1.1) < 0.02);
    BOOST_TEST(std::fabs(ci_fast.ratio - 0.9) < 0.02);
  }
}

BOOST_AUTO_TEST_CASE(interval_covers_the_true_ratio_most_of_the_time) {
  // True medians 1.0 ms and 1.2 ms: the 95% CI should contain 1.2 in about 95% of runs. The
  // percentile bootstrap of a median undercovers a little at small n; require 85%.
  int covered = 0;
  const int runs = 200;
  for (int s = 0; s < runs; ++s) {
    const auto base = skewed_samples(50, 1.0e-3, 0.1, 10000 + 2 * s);
    const auto cand = skewed_samples(50, 1.2e-3, 0.1, 10001 + 2 * s);
    const auto ci = bootstrap_ratio_of_medians(base, cand, static_cast<std::uint64_t>(s), 1000);
    covered += ci.lo <= 1.2 && 1.2 <= ci.hi;
  }
  BOOST_TEST(covered >= runs * 85 / 100);
  BOOST_TEST(covered < runs);  // a CI that always covers is too wide to be a 95% CI
}

BOOST_AUTO_TEST_CASE(bad_arguments_are_rejected) {
  const std::vector<double> a{1, 2, 3};
  BOOST_CHECK_THROW(bootstrap_ratio_of_medians({}, a, 1), std::invalid_argument);
  BOOST_CHECK_THROW(bootstrap_ratio_of_medians(a, a, 1, 5), std::invalid_argument);
  BOOST_CHECK_THROW(bootstrap_ratio_of_medians(a, a, 1, 100, 1.5), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
