// Two-micro-batch overlap (DeepSeek's inference system, SGLang's two-batch overlap): the batch is
// split in two, A and B. Each layer of each micro-batch is a computation followed by its
// communication; the GPU's compute stream runs A1 B1 A2 B2 ... and the communication stream
// A1 B1 A2 B2 ..., where a micro-batch's layer l computation waits for its own layer l-1
// communication. So B's communication hides behind A's next computation and vice versa; the
// first computation and the last communication are exposed (fill and drain). With equal halves
// of per-layer computation c and communication m over L layers the step is
// 2 L max(c, m) + min(c, m), against 2 L (c + m) in sequence.
// What it leaves out: the SMs the communication kernels occupy (DeepEP's normal kernels take 20 of
// 132 for prefill), and the layers without MoE (their share is averaged over all layers).
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "simulator/model/overlap.hpp"

namespace moelab::sim {
namespace {

class TwoMicroBatchOverlap final : public OverlapPolicy {
 public:
  std::string_view name() const override { return "two_micro_batch"; }
  int micro_batches() const override { return 2; }

  double step_s(std::span<const MicroBatchTimes> parts, double layers) const override {
    if (parts.size() != 2) throw std::logic_error("two_micro_batch: two micro-batches expected");
    const auto n = static_cast<long>(std::llround(layers));
    if (n < 1) return parts[0].compute_s + parts[0].comm_s + parts[1].compute_s + parts[1].comm_s;
    const double ca = parts[0].compute_s / static_cast<double>(n), ma = parts[0].comm_s / static_cast<double>(n);
    const double cb = parts[1].compute_s / static_cast<double>(n), mb = parts[1].comm_s / static_cast<double>(n);
    double compute_a = 0, comm_a = 0, compute_b = 0, comm_b = 0;  // end times of each one's last op
    for (long l = 0; l < n; ++l) {
      compute_a = std::max(compute_b, comm_a) + ca;
      comm_a = std::max(compute_a, comm_b) + ma;
      compute_b = std::max(compute_a, comm_b) + cb;
      comm_b = std::max(compute_b, comm_a) + mb;
    }
    return std::max({compute_b, comm_a, comm_b});
  }
};

}  // namespace

std::unique_ptr<OverlapPolicy> make_overlap_two_micro_batch() { return std::make_unique<TwoMicroBatchOverlap>(); }

}  // namespace moelab::sim
