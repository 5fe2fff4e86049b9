#include "simulator/economics/prefill_split.hpp"

namespace moelab::sim {
namespace {

// One request's whole prompt prefilled in one piece after `cached` tokens (chunking does not
// change the FLOPs: causal pairs add up to the same total).
StepShape prefill_shape(double computed, double cached) {
  StepShape s;
  s.prefill_seqs = 1;
  s.prefill_tokens = static_cast<std::int64_t>(computed);
  s.prefill_attention_pairs = computed * cached + computed * (computed + 1) / 2;
  s.prefill_context_tokens = static_cast<std::int64_t>(computed + cached);
  return s;
}

}  // namespace

double cached_share_of_prefill_work(const std::vector<RequestRecord>& records, const SteadyWindow& window,
                                    const StepCostModel& cost) {
  double total = 0, caused_by_cache = 0;
  for (const auto& r : records) {
    if (r.arrival_s < window.start_s || r.arrival_s > window.end_s) continue;
    const double cached = r.cached_tokens, computed = r.prompt_tokens - r.cached_tokens;
    if (computed <= 0) continue;
    const double with_cache = cost.cost(prefill_shape(computed, cached)).flops;
    total += with_cache;
    if (cached > 0) caused_by_cache += with_cache - cost.cost(prefill_shape(computed, 0)).flops;
  }
  return total > 0 ? caused_by_cache / total : 0.0;
}

}  // namespace moelab::sim
