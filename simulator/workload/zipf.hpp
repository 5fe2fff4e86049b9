#pragma once
// Zipf(s) over ranks 0..n-1: P(rank r) proportional to (r + 1)^-s, sampled by inverse CDF on a
// cumulative table (n doubles).
#include <cstdint>
#include <vector>

#include "base/rng.hpp"

namespace moelab::sim {

class ZipfSampler {
 public:
  ZipfSampler(std::int64_t n, double s);
  std::int64_t sample(Rng& rng) const;
  double probability(std::int64_t rank) const;

 private:
  std::vector<double> cumulative_;
};

}  // namespace moelab::sim
