#include "simulator/workload/samplers.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace moelab::sim {

LengthSampler::LengthSampler(const LengthDistribution& d) : d_(d) {
  lo_ = std::max(1.0, d.min);
  hi_ = d.max > 0 ? d.max : static_cast<double>(std::numeric_limits<std::int32_t>::max());
  if (d.kind == "lognormal") {
    // E[exp(N(mu, s^2))] = exp(mu + s^2 / 2) = mean.
    mu_ = std::log(d.mean) - 0.5 * d.sigma * d.sigma;
  } else if (d.kind == "geometric") {
    log_q_ = d.mean > 1.0 ? std::log1p(-1.0 / d.mean) : 0.0;
  } else if (d.kind == "empirical") {
    double total = 0;
    for (double w : d.weights) total += w;
    double run = 0;
    for (double w : d.weights) {
      run += w / total;
      cumulative_.push_back(run);
    }
    cumulative_.back() = 1.0;
  }
}

std::int32_t LengthSampler::clamp_round(double x) const {
  const double r = std::nearbyint(std::clamp(x, lo_, hi_));
  return static_cast<std::int32_t>(std::clamp(r, lo_, hi_));
}

std::int32_t LengthSampler::sample(Rng& rng) const {
  if (d_.kind == "fixed") return clamp_round(d_.value);
  if (d_.kind == "uniform") {
    // Integers min..max inclusive.
    const auto lo = static_cast<std::int64_t>(std::ceil(lo_));
    const auto hi = static_cast<std::int64_t>(std::floor(hi_));
    return static_cast<std::int32_t>(lo + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(hi - lo + 1))));
  }
  if (d_.kind == "lognormal") return clamp_round(std::exp(mu_ + d_.sigma * rng.normal()));
  if (d_.kind == "geometric") {
    // Number of Bernoulli(p = 1/mean) trials up to the first success: support 1, 2, ...
    if (log_q_ == 0.0) return clamp_round(1.0);
    return clamp_round(1.0 + std::floor(std::log(rng.uniform_open()) / log_q_));
  }
  // empirical
  const double u = rng.uniform01();
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
  const auto i = static_cast<std::size_t>(std::min<std::ptrdiff_t>(it - cumulative_.begin(),
                                                                   static_cast<std::ptrdiff_t>(cumulative_.size()) - 1));
  return clamp_round(d_.values[i]);
}

double LengthSampler::nominal_mean() const {
  if (d_.kind == "fixed") return d_.value;
  if (d_.kind == "uniform") return 0.5 * (std::ceil(lo_) + std::floor(hi_));
  if (d_.kind == "lognormal" || d_.kind == "geometric") return d_.mean;
  double m = 0, prev = 0;
  for (std::size_t i = 0; i < cumulative_.size(); ++i) {
    m += (cumulative_[i] - prev) * d_.values[i];
    prev = cumulative_[i];
  }
  return m;
}

ArrivalClock::ArrivalClock(const ArrivalProcess& a, std::uint64_t seed) : a_(a), rng_(seed) {
  if (a.kind == "gamma") gamma_shape_ = 1.0 / (a.cv * a.cv);
}

double ArrivalClock::next_s() {
  if (a_.kind == "burst") return 0.0;
  const double mean_gap_s = 1.0 / a_.rate_per_s;
  // gamma with cv = 1 is exactly the Poisson stream (same draws), so the two configs agree bit for bit.
  if (a_.kind == "poisson" || gamma_shape_ == 1.0) {
    now_s_ += rng_.exponential(mean_gap_s);
  } else {
    now_s_ += rng_.gamma(gamma_shape_) * (mean_gap_s / gamma_shape_);
  }
  return now_s_;
}

}  // namespace moelab::sim
