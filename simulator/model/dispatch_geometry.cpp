#include "simulator/model/dispatch_geometry.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace moelab::sim {
namespace {

// P(none of k distinct draws from X candidates falls among x of them).
double miss_probability(double candidates, double x, std::int64_t k) {
  double p = 1;
  for (std::int64_t i = 0; i < k; ++i) {
    const double num = candidates - x - static_cast<double>(i), den = candidates - static_cast<double>(i);
    if (num <= 0) return 0;
    p *= num / den;
  }
  return p;
}

double binomial(std::int64_t n, std::int64_t r) {
  if (r < 0 || r > n) return 0;
  double out = 1;
  for (std::int64_t i = 1; i <= r; ++i) out = out * static_cast<double>(n - r + i) / static_cast<double>(i);
  return out;
}

double overlap(double a0, double a1, double b0, double b1) {
  return std::max(0.0, std::min(a1, b1) - std::max(a0, b0));
}

// Groups of `group_size` experts, `chosen` of `groups` picked uniformly; P(a holder of the expert
// interval [lo, hi) is hit by a token's k experts).
double hit_probability(double lo, double hi, std::int64_t groups, std::int64_t chosen, double group_size,
                       std::int64_t k) {
  std::vector<double> parts;  // overlap with each group the interval touches
  const auto g0 = static_cast<std::int64_t>(std::floor(lo / group_size));
  for (std::int64_t g = g0; g < groups && static_cast<double>(g) * group_size < hi; ++g) {
    const double o = overlap(lo, hi, static_cast<double>(g) * group_size, static_cast<double>(g + 1) * group_size);
    if (o > 1e-12) parts.push_back(o);
  }
  const auto m = static_cast<std::int64_t>(parts.size());
  if (m > 16) throw std::logic_error("dispatch geometry: a holder spans too many expert groups");
  const double candidates = static_cast<double>(chosen) * group_size;
  const double all = binomial(groups, chosen);
  double hit = 0;
  for (std::uint32_t mask = 0; mask < (1u << m); ++mask) {  // which of its groups are chosen
    double x = 0;
    std::int64_t in = 0;
    for (std::int64_t j = 0; j < m; ++j) {
      if (mask & (1u << j)) {
        x += parts[static_cast<std::size_t>(j)];
        ++in;
      }
    }
    const double p_subset = binomial(groups - m, chosen - in) / all;
    if (p_subset > 0 && x > 0) hit += p_subset * (1.0 - miss_probability(candidates, x, k));
  }
  return hit;
}

}  // namespace

DispatchGeometry dispatch_geometry(const ModelSpec& m, const ParallelPlan& plan, const HardwareSpec& hw,
                                   std::int64_t max_nodes_per_token) {
  DispatchGeometry g;
  const std::int64_t ep = plan.expert_parallel;
  if (!m.is_moe() || ep <= 1) return g;
  const GroupSpan span = expert_parallel_span(plan, hw);
  const std::int64_t per_domain = span.members_per_domain;
  g.domains = (ep + per_domain - 1) / per_domain;
  const double experts = static_cast<double>(m.moe.n_routed_experts);
  const double per_rank = experts / static_cast<double>(ep);
  const std::int64_t k = m.moe.experts_per_token;
  std::int64_t groups = std::max<std::int64_t>(m.moe.n_expert_groups, 1);
  std::int64_t chosen = std::clamp<std::int64_t>(m.moe.topk_groups, 1, groups);
  if (max_nodes_per_token > 0) {  // node-limited routing: the groups are the domains
    groups = g.domains;
    chosen = std::min(max_nodes_per_token, g.domains);
  }
  const double group_size = experts / static_cast<double>(groups);

  for (std::int64_t r = 0; r < ep; ++r) {
    const double p = hit_probability(static_cast<double>(r) * per_rank, static_cast<double>(r + 1) * per_rank, groups,
                                     chosen, group_size, k);
    const std::int64_t domain = r / per_domain;
    const std::int64_t in_domain = std::min(per_domain, ep - domain * per_domain);
    g.same_domain_ranks += p * static_cast<double>(in_domain - 1);
    g.other_domain_ranks += p * static_cast<double>(ep - in_domain);
  }
  for (std::int64_t d = 0; d < g.domains; ++d) {
    const std::int64_t first = d * per_domain, members = std::min(per_domain, ep - first);
    const double p = hit_probability(static_cast<double>(first) * per_rank,
                                     static_cast<double>(first + members) * per_rank, groups, chosen, group_size, k);
    g.other_domains += p * static_cast<double>(ep - members);
  }
  const double inv = 1.0 / static_cast<double>(ep);
  g.same_domain_ranks *= inv;
  g.other_domain_ranks *= inv;
  g.other_domains *= inv;
  return g;
}

}  // namespace moelab::sim
