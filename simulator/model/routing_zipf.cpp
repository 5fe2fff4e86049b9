#include <cmath>
#include <numeric>

#include "base/rng.hpp"
#include "simulator/model/moe_routing.hpp"

namespace moelab::sim {

// Popularity rank r has weight (r + 1)^-s; which expert holds which rank is a Fisher-Yates
// shuffle under the seed (hot experts are not the first ones, so contiguous placement does not
// stack them on one EP rank by construction).
std::vector<double> routing_zipf(const RoutingSpec& spec, std::int64_t experts, std::uint64_t seed) {
  const auto n = static_cast<std::size_t>(experts);
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  Rng rng(seed);
  for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[static_cast<std::size_t>(rng.below(i))]);
  std::vector<double> shares(n);
  double total = 0;
  for (std::size_t r = 0; r < n; ++r) total += std::pow(static_cast<double>(r + 1), -spec.zipf_s);
  for (std::size_t r = 0; r < n; ++r) shares[order[r]] = std::pow(static_cast<double>(r + 1), -spec.zipf_s) / total;
  return shares;
}

}  // namespace moelab::sim
