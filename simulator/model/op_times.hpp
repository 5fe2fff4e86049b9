#pragma once
// Measured op times: per operator class, the time of one kernel call read from a measurement
// (a kernel-lab A/B file's /summary rows for one op and variant, or a published table in that
// format), in place of the roofline's time for that class. The lab reads the file
// (lab/h5/op_time_reader.hpp); the simulator gets the plain table below. Without a table a class
// keeps its analytic (roofline) time.
//
// Shape key per class (what the table's shape column must measure), per GPU and per layer:
//   expert_gemm        (token, expert) assignments of the step's MoE layer on the GPU
//                      (grouped_gemm's dim_tokens: rows over all groups)
//   prefill_attention  new prompt tokens of the step (attention.prefill's dim_tokens)
//   decode_attention   KV tokens the step's decodes read: sum of context lengths
//                      (attention.decode_paged's dim_batch x dim_context_mean)
// The class's time in a step is seconds_at(shape) x calls_per_layer x the layers of that class.
// Between measured shapes the time is linear in the shape; below the smallest it is the
// smallest's time (a kernel's launch and latency floor); above the largest it grows in
// proportion to the shape from the largest (throughput no longer rises). The other dimensions
// of the measured cases (heads, head_dim, n, k) are the experimenter's to match to the model's
// per-GPU shapes; the source string records which cases were used.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace moelab::sim {

enum class OpClass : std::size_t { expert_gemm, prefill_attention, decode_attention };
inline constexpr std::size_t kOpClasses = 3;
std::string_view to_string(OpClass c);

struct MeasuredOpTable {
  std::string source;           // where the rows came from: file, dataset, op, variant, shape column
  std::vector<double> shape;    // ascending, distinct, > 0
  std::vector<double> seconds;  // one kernel call at each shape
  double calls_per_layer = 1;   // kernel calls of this class per layer

  bool empty() const { return shape.empty(); }
  // Seconds of one call at `shape` (rule above); 0 for shape <= 0.
  double seconds_at(double shape) const;
  // Throws std::invalid_argument when the table breaks the rules above.
  void validate() const;
};

struct OpTimes {
  std::array<MeasuredOpTable, kOpClasses> tables;  // empty table = analytic

  const MeasuredOpTable* measured(OpClass c) const {
    const MeasuredOpTable& t = tables[static_cast<std::size_t>(c)];
    return t.empty() ? nullptr : &t;
  }
  bool any() const;
  // "class=source; ..." over the measured classes ("" when none).
  std::string describe() const;
};

}  // namespace moelab::sim
