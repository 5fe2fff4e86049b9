#include "kernels/router/routing.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "kernels/common/random_fill.hpp"

namespace moelab::kernels::router {

std::vector<std::int32_t> sample_routing(int tokens, int experts, int k, double zipf_s, std::uint64_t seed) {
  if (tokens < 0 || experts < 1 || k < 1 || k > experts) {
    throw std::invalid_argument("sample_routing: need tokens >= 0 and 1 <= k <= experts");
  }
  Rng rng(seed);
  // Popularity rank of each expert label: a seeded Fisher-Yates shuffle, so the hot experts are
  // not always the low indices.
  std::vector<int> rank(experts);
  std::iota(rank.begin(), rank.end(), 0);
  for (int i = experts - 1; i > 0; --i) std::swap(rank[i], rank[rng.below(static_cast<std::uint64_t>(i) + 1)]);
  std::vector<double> inv_weight(experts);
  for (int e = 0; e < experts; ++e) inv_weight[e] = std::pow(static_cast<double>(rank[e] + 1), zipf_s);

  std::vector<std::int32_t> ids(static_cast<std::size_t>(tokens) * k);
  std::vector<std::pair<double, int>> keys(experts);
  for (int t = 0; t < tokens; ++t) {
    for (int e = 0; e < experts; ++e) {
      const double u = rng.uniform_open();         // (0, 1): log(u) finite
      keys[e] = {std::log(u) * inv_weight[e], e};  // log(u^(1/w)); larger is better
    }
    std::partial_sort(keys.begin(), keys.begin() + k, keys.end(), [](const auto& a, const auto& b) {
      return a.first > b.first || (a.first == b.first && a.second < b.second);
    });
    for (int j = 0; j < k; ++j) ids[static_cast<std::size_t>(t) * k + j] = keys[j].second;
  }
  return ids;
}

std::vector<std::int64_t> group_sizes(int tokens, int experts, int k, double zipf_s, std::uint64_t seed) {
  if (tokens < 0 || experts < 1 || k < 1 || k > experts) {
    throw std::invalid_argument("group_sizes: need tokens >= 0 and 1 <= k <= experts");
  }
  std::vector<std::int64_t> m(experts, 0);
  if (zipf_s == 0) {
    const std::int64_t total = static_cast<std::int64_t>(tokens) * k;
    for (int e = 0; e < experts; ++e) m[e] = total / experts + (e < total % experts ? 1 : 0);
    return m;
  }
  for (std::int32_t id : sample_routing(tokens, experts, k, zipf_s, seed)) ++m[id];
  return m;
}

ExpertLoad routing_stats(std::span<const std::int32_t> topk_ids, int experts) {
  if (experts < 1) throw std::invalid_argument("routing_stats: experts must be >= 1");
  std::vector<std::int64_t> counts(experts, 0);
  for (std::int32_t id : topk_ids) {
    if (id < 0 || id >= experts)
      throw std::invalid_argument("routing_stats: expert id " + std::to_string(id) + " out of range");
    ++counts[id];
  }
  return expert_load_from_counts(std::move(counts));
}

}  // namespace moelab::kernels::router
