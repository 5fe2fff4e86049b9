#pragma once
// Optional statistics a case carries about its problem, independent of any variant, that the A/B
// harness writes next to the timings without knowing the op. Today: how the work of a case is
// spread over experts (router.topk / permute / combine, grouped_gemm), which the simulator
// consumes. A case opts in by also deriving from the interface; the harness finds it with
//   if (auto* s = dynamic_cast<const kernels::HasExpertLoad*>(&op_case)) { ... s->expert_load() ... }
#include <cstdint>
#include <vector>

namespace moelab::kernels {

struct ExpertLoad {
  std::vector<std::int64_t> tokens_per_expert;  // assignments (token, slot) routed to each expert
  std::int64_t assignments = 0;                 // sum of tokens_per_expert (tokens * k)
  double mean_tokens = 0;                       // assignments / experts
  std::int64_t max_tokens = 0;
  std::int64_t min_tokens = 0;
  std::int64_t idle_experts = 0;  // experts with zero tokens
  double load_imbalance = 0;      // max / mean tokens per expert (1 = balanced)
  double cv = 0;                  // stddev / mean of tokens per expert
};

// The statistics of per-expert counts (a routing's histogram, a permute's offset differences,
// grouped-GEMM group sizes). Throws std::invalid_argument when `tokens_per_expert` is empty.
ExpertLoad expert_load_from_counts(std::vector<std::int64_t> tokens_per_expert);

class HasExpertLoad {
 public:
  virtual ~HasExpertLoad() = default;
  // Valid once the case's inputs exist (after fill_inputs() and compute_reference()).
  virtual ExpertLoad expert_load() const = 0;
};

}  // namespace moelab::kernels
