// Length kind "empirical": `values` with probabilities `weights` (normalised), by inverse CDF on
// the cumulative weights.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "simulator/workload/length_distribution.hpp"

namespace moelab::sim {
namespace {

class EmpiricalLength final : public LengthDistribution {
 public:
  EmpiricalLength(std::vector<double> values, std::vector<double> weights, CountClamp clamp)
      : values_(std::move(values)), weights_(std::move(weights)), clamp_(clamp) {
    if (weights_.empty() || weights_.size() != values_.size()) return;  // check() reports it; nothing to sample
    double total = 0;
    for (double w : weights_) total += w;
    double run = 0;
    for (double w : weights_) {
      run += w / total;
      cumulative_.push_back(run);
    }
    cumulative_.back() = 1.0;
  }
  std::string_view kind() const override { return "empirical"; }
  MaybeProblem check() const override {
    if (auto p = clamp_.check()) return p;
    if (values_.empty()) return problem("values", "must not be empty");
    if (weights_.size() != values_.size()) {
      return problem("weights", fmt::format("has {} entries but values has {}", weights_.size(), values_.size()));
    }
    double total = 0;
    for (std::size_t i = 0; i < values_.size(); ++i) {
      if (!(values_[i] >= 1) || values_[i] > kMaxCount) {
        return problem("values", fmt::format("element {} must be >= 1, got {}", i, values_[i]));
      }
      if (!(weights_[i] >= 0) || !std::isfinite(weights_[i])) {
        return problem("weights", fmt::format("element {} must be >= 0, got {}", i, weights_[i]));
      }
      total += weights_[i];
    }
    if (!(total > 0)) return problem("weights", "must not all be 0");
    return std::nullopt;
  }
  std::int32_t sample(Rng& rng) const override {
    const double u = rng.uniform01();
    const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
    const auto i = static_cast<std::size_t>(
        std::min<std::ptrdiff_t>(it - cumulative_.begin(), static_cast<std::ptrdiff_t>(cumulative_.size()) - 1));
    return clamp_.round(values_[i]);
  }
  double nominal_mean() const override {
    double m = 0, prev = 0;
    for (std::size_t i = 0; i < cumulative_.size(); ++i) {
      m += (cumulative_[i] - prev) * values_[i];
      prev = cumulative_[i];
    }
    return m;
  }

 private:
  std::vector<double> values_, weights_;
  CountClamp clamp_;
  std::vector<double> cumulative_;  // normalised cumulative weights
};

}  // namespace

LengthDistributionPtr read_empirical_length(TableReader& table) {
  auto values = table.number_array("values");
  auto weights = table.number_array("weights");
  return std::make_shared<EmpiricalLength>(std::move(values), std::move(weights), CountClamp::read_optional(table));
}

}  // namespace moelab::sim
