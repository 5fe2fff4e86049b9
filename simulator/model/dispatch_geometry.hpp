#pragma once
// Where one token's MoE dispatch goes: the expected number of distinct EP ranks (other than its
// own) that hold at least one of its k experts, inside its NVLink domain and beyond it, and the
// number of other domains it reaches. Combine returns the same copies. Experts sit contiguously
// on EP ranks (E / EP logical experts each). Routing is group-limited as the model says
// (DeepSeek-V3: 8 groups of 32 experts, a token picks 4 groups, then its 8 experts uniformly
// inside them), or node-limited when max_nodes_per_token = M > 0 (M domains uniformly, then the
// experts inside them: DeepSeek-V3 deployed with M = 4). The expectation is exact for this model:
// for rank r hit with probability 1 - prod_{i<k} (X - x_r - i) / (X - i), X the candidate
// experts, x_r those on r, summed over which of r's groups are chosen.
#include <cstdint>

#include "simulator/model/hardware_spec.hpp"
#include "simulator/model/model_spec.hpp"
#include "simulator/model/parallel_plan.hpp"

namespace moelab::sim {

struct DispatchGeometry {
  double same_domain_ranks = 0;   // per token: distinct destination ranks in the sender's domain, itself excluded
  double other_domain_ranks = 0;  // ... in other domains
  double other_domains = 0;       // distinct other domains
  std::int64_t domains = 1;       // NVLink domains the EP ranks span
};

DispatchGeometry dispatch_geometry(const ModelSpec& model, const ParallelPlan& plan, const HardwareSpec& hardware,
                                   std::int64_t max_nodes_per_token);

}  // namespace moelab::sim
