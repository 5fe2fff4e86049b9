#include "kernels/common/case_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace moelab::kernels {

ExpertLoad expert_load_from_counts(std::vector<std::int64_t> counts) {
  if (counts.empty()) throw std::invalid_argument("expert_load_from_counts: no experts");
  ExpertLoad s;
  s.assignments = std::accumulate(counts.begin(), counts.end(), std::int64_t{0});
  s.max_tokens = *std::max_element(counts.begin(), counts.end());
  s.min_tokens = *std::min_element(counts.begin(), counts.end());
  s.idle_experts = std::count(counts.begin(), counts.end(), std::int64_t{0});
  s.mean_tokens = static_cast<double>(s.assignments) / static_cast<double>(counts.size());
  double var = 0;
  for (auto c : counts) var += (c - s.mean_tokens) * (c - s.mean_tokens);
  var /= static_cast<double>(counts.size());
  s.load_imbalance = s.mean_tokens > 0 ? static_cast<double>(s.max_tokens) / s.mean_tokens : 0.0;
  s.cv = s.mean_tokens > 0 ? std::sqrt(var) / s.mean_tokens : 0.0;
  s.tokens_per_expert = std::move(counts);
  return s;
}

}  // namespace moelab::kernels
