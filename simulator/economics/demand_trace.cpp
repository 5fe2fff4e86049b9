#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "simulator/economics/fleet.hpp"

namespace moelab::sim {

double peak_factor_from_arrivals(const std::vector<double>& arrival_s, double bin_s) {
  if (arrival_s.empty() || !(bin_s > 0))
    throw std::invalid_argument("peak_factor_from_arrivals: no arrivals or bin <= 0");
  const auto [lo, hi] = std::minmax_element(arrival_s.begin(), arrival_s.end());
  const double first = *lo;
  const auto whole_bins = static_cast<std::size_t>(std::floor((*hi - first) / bin_s));
  if (whole_bins < 2) throw std::invalid_argument("peak_factor_from_arrivals: the trace spans fewer than two bins");
  std::vector<double> counts(whole_bins, 0.0);
  double in_whole_bins = 0;
  for (const double t : arrival_s) {
    const auto bin = static_cast<std::size_t>(std::floor((t - first) / bin_s));
    if (bin < whole_bins) {
      counts[bin] += 1;
      in_whole_bins += 1;
    }
  }
  const double mean = in_whole_bins / static_cast<double>(whole_bins);
  return *std::max_element(counts.begin(), counts.end()) / mean;
}

}  // namespace moelab::sim
