#pragma once
// Length and arrival samplers built from the spec structs; every draw comes from a caller-owned
// Rng so each quantity has its own stream.
#include <cstdint>
#include <vector>

#include "base/rng.hpp"
#include "simulator/workload/workload_spec.hpp"

namespace moelab::sim {

// Samples a LengthDistribution (checked by check_length_distribution first) by inverse CDF.
class LengthSampler {
 public:
  explicit LengthSampler(const LengthDistribution& d);
  std::int32_t sample(Rng& rng) const;
  // Mean before rounding and clamping (for documentation and tests of the generator itself).
  double nominal_mean() const;

 private:
  std::int32_t clamp_round(double x) const;

  LengthDistribution d_;
  double lo_ = 1, hi_ = 0;         // effective clamp: [max(min,1), max or int32 max]
  double mu_ = 0;                  // lognormal: log-space mean
  double log_q_ = 0;               // geometric: log(1 - 1/mean)
  std::vector<double> cumulative_;  // empirical: normalised cumulative weights
};

// Absolute arrival times of an open-loop process: next_s() is non-decreasing.
class ArrivalClock {
 public:
  ArrivalClock(const ArrivalProcess& a, std::uint64_t seed);
  double next_s();

 private:
  ArrivalProcess a_;
  Rng rng_;
  double now_s_ = 0;
  double gamma_shape_ = 1;  // 1 / cv^2
};

}  // namespace moelab::sim
