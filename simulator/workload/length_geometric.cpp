// Length kind "geometric": the number of Bernoulli(p = 1 / mean) trials up to the first success
// (support 1, 2, ...), by inverse CDF.
#include <fmt/format.h>

#include <cmath>

#include "simulator/workload/length_distribution.hpp"

namespace moelab::sim {
namespace {

class GeometricLength final : public LengthDistribution {
 public:
  GeometricLength(double mean, CountClamp clamp)
      : mean_(mean), clamp_(clamp), log_q_(mean > 1.0 ? std::log1p(-1.0 / mean) : 0.0) {}
  std::string_view kind() const override { return "geometric"; }
  MaybeProblem check() const override {
    if (auto p = clamp_.check()) return p;
    if (!(mean_ >= 1) || !std::isfinite(mean_)) return problem("mean", fmt::format("must be >= 1, got {}", mean_));
    return std::nullopt;
  }
  std::int32_t sample(Rng& rng) const override {
    if (log_q_ == 0.0) return clamp_.round(1.0);
    return clamp_.round(1.0 + std::floor(std::log(rng.uniform_open()) / log_q_));
  }
  double nominal_mean() const override { return mean_; }

 private:
  double mean_;
  CountClamp clamp_;
  double log_q_;  // log(1 - 1/mean); 0 when mean = 1 (always 1, no draw)
};

}  // namespace

LengthDistributionPtr read_geometric_length(TableReader& table) {
  const double mean = table.number("mean");
  return std::make_shared<GeometricLength>(mean, CountClamp::read_optional(table));
}

}  // namespace moelab::sim
