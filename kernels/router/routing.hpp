#pragma once
// Synthetic routings for router.permute / router.combine inputs and grouped-GEMM group sizes,
// and the routing statistics the simulator consumes (tokens per expert, load imbalance).
#include <cstdint>
#include <span>
#include <vector>

#include "kernels/common/case_statistics.hpp"

namespace moelab::kernels::router {

// Each token picks k distinct experts. zipf_s = 0: uniform over experts. zipf_s > 0: expert
// popularity follows Zipf (weight 1/rank^zipf_s) over a seeded shuffle of expert labels,
// sampled without replacement (Efraimidis-Spirakis keys u^(1/w) from uniform doubles).
// Returns topk_ids [tokens*k]. Requires 1 <= k <= experts.
std::vector<std::int32_t> sample_routing(int tokens, int experts, int k, double zipf_s, std::uint64_t seed);

// Group sizes M_g for tokens*k assignments over `experts` groups: zipf_s = 0 gives the exact
// balanced split (sizes differ by at most 1, larger ones first); zipf_s > 0 counts a sampled
// Zipf routing (sample_routing).
std::vector<std::int64_t> group_sizes(int tokens, int experts, int k, double zipf_s, std::uint64_t seed);

// The expert load of a routing (topk_ids); an id outside [0, experts) throws std::invalid_argument.
ExpertLoad routing_stats(std::span<const std::int32_t> topk_ids, int experts);

}  // namespace moelab::kernels::router
