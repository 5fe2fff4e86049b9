#pragma once
// How a step's computation and communication share time (engine.overlap). The cost model splits
// the step into the micro-batches a policy asks for, prices each one alone (its computation and
// its communication, no overlap), and the policy turns those into the step time of its schedule:
//   none             one batch; computation and communication in sequence (the cost model's
//                    own sum, so a run without overlap costs exactly what it did before).
//   two_micro_batch  DeepSeek's and SGLang's two-batch overlap: every rank's batch is split into
//                    two halves; per layer one half's communication (dispatch, combine,
//                    all-reduces) runs while the other half computes, on two streams
//                    (schedule in overlap_two_micro_batch.cpp). Each half's GEMMs run at the
//                    efficiency of its own, smaller M and each reads the weights again.
// Adding a policy: a file overlap_<name>.cpp defining make_overlap_<name>, plus its declaration and
// table line in overlap_registry.cpp.
#include <memory>
#include <span>
#include <string_view>

#include "base/named_registry.hpp"
#include "simulator/model/step_cost.hpp"

namespace moelab::sim {

// One micro-batch's whole step when priced alone: its computation and its communication.
struct MicroBatchTimes {
  double compute_s = 0;
  double comm_s = 0;
};

class OverlapPolicy {
 public:
  virtual ~OverlapPolicy() = default;
  virtual std::string_view name() const = 0;
  // How many micro-batches a step is split into (1 = priced as one batch).
  virtual int micro_batches() const = 0;
  // The step time of the schedule over `layers` layers that each carry an equal share of every
  // micro-batch's time; `parts` has micro_batches() entries.
  virtual double step_s(std::span<const MicroBatchTimes> parts, double layers) const = 0;
};

using OverlapFactory = std::unique_ptr<OverlapPolicy>();
const NamedRegistry<OverlapFactory>& overlap_registry();
// Unknown names throw InputError at engine.overlap.
std::unique_ptr<OverlapPolicy> make_overlap(std::string_view name);

// Splits one rank's batch into two halves: sequences and tokens in halves (the first takes the odd
// one), KV context and attention pairs in proportion to the sequences (decode) or tokens (prefill)
// each half takes. a + b adds up to `whole` exactly.
void split_in_two(const StepShape& whole, StepShape& a, StepShape& b);

}  // namespace moelab::sim
