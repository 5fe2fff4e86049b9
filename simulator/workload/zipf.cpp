#include "simulator/workload/zipf.hpp"

#include <algorithm>
#include <cmath>

namespace moelab::sim {

ZipfSampler::ZipfSampler(std::int64_t n, double s) {
  cumulative_.resize(static_cast<std::size_t>(n));
  double total = 0;
  for (std::int64_t r = 0; r < n; ++r) {
    total += std::pow(static_cast<double>(r + 1), -s);
    cumulative_[static_cast<std::size_t>(r)] = total;
  }
  for (double& c : cumulative_) c /= total;
  cumulative_.back() = 1.0;
}

std::int64_t ZipfSampler::sample(Rng& rng) const {
  const double u = rng.uniform01();
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
  return std::min<std::int64_t>(it - cumulative_.begin(), static_cast<std::int64_t>(cumulative_.size()) - 1);
}

double ZipfSampler::probability(std::int64_t rank) const {
  const auto r = static_cast<std::size_t>(rank);
  return cumulative_[r] - (r == 0 ? 0.0 : cumulative_[r - 1]);
}

}  // namespace moelab::sim
