// Arrival kind "gamma": gamma-distributed gaps at `rate_per_s` with coefficient of variation `cv`
// (shape 1 / cv^2; cv > 1 is burstier than Poisson). cv = 1 draws exactly the Poisson stream, so
// the two configs agree bit for bit.
#include <fmt/format.h>

#include <cmath>

#include "base/rng.hpp"
#include "simulator/workload/arrival_process.hpp"

namespace moelab::sim {
namespace {

class GammaClock final : public ArrivalClock {
 public:
  GammaClock(double rate_per_s, double cv, std::uint64_t seed)
      : mean_gap_s_(1.0 / rate_per_s), shape_(1.0 / (cv * cv)), rng_(seed) {}
  double next_s() override {
    if (shape_ == 1.0) return now_s_ += rng_.exponential(mean_gap_s_);
    return now_s_ += rng_.gamma(shape_) * (mean_gap_s_ / shape_);
  }

 private:
  double mean_gap_s_;
  double shape_;
  Rng rng_;
  double now_s_ = 0;
};

class GammaArrivals final : public ArrivalProcess {
 public:
  GammaArrivals(double rate_per_s, double cv) : rate_per_s_(rate_per_s), cv_(cv) {}
  std::string_view kind() const override { return "gamma"; }
  MaybeProblem check() const override {
    if (auto p = check_rate_per_s(rate_per_s_)) return p;
    if (!(cv_ > 0) || !std::isfinite(cv_) || cv_ > 100)
      return problem("cv", fmt::format("must be in (0, 100], got {}", cv_));
    return std::nullopt;
  }
  std::unique_ptr<ArrivalClock> start(std::uint64_t seed) const override {
    return std::make_unique<GammaClock>(rate_per_s_, cv_, seed);
  }

 private:
  double rate_per_s_, cv_;
};

}  // namespace

ArrivalProcessPtr read_gamma_arrivals(TableReader& table) {
  const double rate_per_s = table.number("rate_per_s");
  return std::make_shared<GammaArrivals>(rate_per_s, table.number("cv"));
}

}  // namespace moelab::sim
