#pragma once
// Synthetic routings for router.permute / router.combine inputs and grouped-GEMM group sizes,
// and the routing statistics the simulator consumes (tokens per expert, load imbalance).
#include <cstdint>
#include <span>
#include <vector>

#include "kernels/common/case_statistics.hpp"
#include "lab/h5/table.hpp"

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

struct RoutingStats {
  std::vector<std::int64_t> tokens_per_expert;  // assignments routed to each expert
  std::int64_t assignments = 0;                 // tokens * k
  double mean_tokens = 0;                       // assignments / experts
  std::int64_t max_tokens = 0;
  std::int64_t min_tokens = 0;
  std::int64_t idle_experts = 0;                // experts with zero tokens
  double load_imbalance = 0;                    // max / mean (1 = perfectly balanced)
  double cv = 0;                                // stddev / mean of tokens per expert
};

// From a routing (topk_ids, any id outside [0, experts) throws std::invalid_argument) ...
RoutingStats routing_stats(std::span<const std::int32_t> topk_ids, int experts);
// ... or from counts already made (a permute's expert_offsets differences, grouped-GEMM M_g).
RoutingStats routing_stats_from_counts(std::vector<std::int64_t> tokens_per_expert);

// Implemented by the cases whose problem carries a routing (router.topk after
// compute_reference(), router.permute after fill_inputs(), grouped_gemm always), so the A/B
// harness or an experiment can write the statistics next to the timings without knowing the op:
//   if (auto* r = dynamic_cast<const HasRoutingStats*>(&op_case)) { ... r->routing_statistics() ... }
// The A/B harness reaches it through the op-independent kernels::HasExpertLoad
// (kernels/common/case_statistics.hpp), which this interface implements from routing_statistics().
class HasRoutingStats : public HasExpertLoad {
 public:
  virtual RoutingStats routing_statistics() const = 0;
  ExpertLoad expert_load() const final;
};

// One row per expert: expert, tokens, share (tokens / assignments). The harness or an experiment
// writes it (e.g. "/ab/<op>/<case>/tokens_per_expert"), with the scalar fields as attributes.
h5::Table tokens_per_expert_table(const RoutingStats& s);

}  // namespace moelab::kernels::router
