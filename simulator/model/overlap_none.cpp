// No overlap: the step is its computation plus its communication.
#include "simulator/model/overlap.hpp"

namespace moelab::sim {
namespace {

class NoOverlap final : public OverlapPolicy {
 public:
  std::string_view name() const override { return "none"; }
  int micro_batches() const override { return 1; }
  double step_s(std::span<const MicroBatchTimes> parts, double) const override {
    double s = 0;
    for (const MicroBatchTimes& p : parts) s += p.compute_s + p.comm_s;
    return s;
  }
};

}  // namespace

std::unique_ptr<OverlapPolicy> make_overlap_none() { return std::make_unique<NoOverlap>(); }

}  // namespace moelab::sim
