// Arrival kind "poisson": exponential gaps (inverse CDF) at `rate_per_s`.
#include "base/rng.hpp"
#include "simulator/workload/arrival_process.hpp"

namespace moelab::sim {
namespace {

class PoissonClock final : public ArrivalClock {
 public:
  PoissonClock(double rate_per_s, std::uint64_t seed) : mean_gap_s_(1.0 / rate_per_s), rng_(seed) {}
  double next_s() override { return now_s_ += rng_.exponential(mean_gap_s_); }

 private:
  double mean_gap_s_;
  Rng rng_;
  double now_s_ = 0;
};

class PoissonArrivals final : public ArrivalProcess {
 public:
  explicit PoissonArrivals(double rate_per_s) : rate_per_s_(rate_per_s) {}
  std::string_view kind() const override { return "poisson"; }
  MaybeProblem check() const override { return check_rate_per_s(rate_per_s_); }
  std::unique_ptr<ArrivalClock> start(std::uint64_t seed) const override {
    return std::make_unique<PoissonClock>(rate_per_s_, seed);
  }

 private:
  double rate_per_s_;
};

}  // namespace

ArrivalProcessPtr read_poisson_arrivals(TableReader& table) {
  return std::make_shared<PoissonArrivals>(table.number("rate_per_s"));
}

}  // namespace moelab::sim
