#include "simulator/metrics/percentile.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace moelab::sim {

double percentile_linear(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = lo + 1 < sorted.size() ? lo + 1 : lo;
  const double frac = pos - static_cast<double>(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

double percentile_linear_select(std::vector<double>& values, double q) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double pos = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto lo_it = values.begin() + static_cast<std::ptrdiff_t>(lo);
  std::nth_element(values.begin(), lo_it, values.end());
  const double lo_v = *lo_it;
  // Everything after lo_it is >= it, so the next order statistic is their minimum.
  const double hi_v = lo + 1 < values.size() ? *std::min_element(lo_it + 1, values.end()) : lo_v;
  const double frac = pos - static_cast<double>(lo);
  return lo_v + (hi_v - lo_v) * frac;
}

}  // namespace moelab::sim
