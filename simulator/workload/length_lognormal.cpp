// Length kind "lognormal": exp(N(mu, sigma^2)) with mu chosen so that the distribution's mean is
// `mean` (not the mean of its log), then rounded and clamped.
#include <fmt/format.h>

#include <cmath>

#include "simulator/workload/length_distribution.hpp"

namespace moelab::sim {
namespace {

class LognormalLength final : public LengthDistribution {
 public:
  LognormalLength(double mean, double sigma, CountClamp clamp)
      : mean_(mean),
        sigma_(sigma),
        clamp_(clamp),
        mu_(std::log(mean) - 0.5 * sigma * sigma) {}  // E[exp(N(mu, s^2))] = exp(mu + s^2 / 2)
  std::string_view kind() const override { return "lognormal"; }
  MaybeProblem check() const override {
    if (auto p = clamp_.check()) return p;
    if (!(mean_ > 0) || !std::isfinite(mean_)) return problem("mean", fmt::format("must be > 0, got {}", mean_));
    if (!(sigma_ >= 0) || !std::isfinite(sigma_) || sigma_ > 10)
      return problem("sigma", fmt::format("must be in [0, 10], got {}", sigma_));
    return std::nullopt;
  }
  std::int32_t sample(Rng& rng) const override { return clamp_.round(std::exp(mu_ + sigma_ * rng.normal())); }
  double nominal_mean() const override { return mean_; }

 private:
  double mean_, sigma_;
  CountClamp clamp_;
  double mu_;  // log-space mean
};

}  // namespace

LengthDistributionPtr read_lognormal_length(TableReader& table) {
  const double mean = table.number("mean");
  const double sigma = table.number("sigma");
  return std::make_shared<LognormalLength>(mean, sigma, CountClamp::read_optional(table));
}

}  // namespace moelab::sim
