#pragma once
// How much of the prefill work cached prompt tokens cause. A token served from the prefix cache is
// not recomputed, but the new tokens of its prompt still attend to it (and MLA up-projects its
// cached latent); that is what a cached input token costs. The split is by FLOPs of the step cost
// model, request by request: cached share = sum over requests of (FLOPs of the prefill with its
// cached prefix - FLOPs of the same new tokens without it) / sum of FLOPs of the prefills. Prefill
// dollars are then divided between cached and uncached tokens in that ratio. Not counted: the HBM
// the cached KV occupies while it waits to be reused, and recomputation after preemption.
#include <vector>

#include "simulator/economics/steady_window.hpp"
#include "simulator/model/step_cost.hpp"

namespace moelab::sim {

// Over the requests that arrived in `window`; 0 when none has a cached token.
double cached_share_of_prefill_work(const std::vector<RequestRecord>& records, const SteadyWindow& window,
                                    const StepCostModel& cost);

}  // namespace moelab::sim
