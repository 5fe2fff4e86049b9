#pragma once
// The grouped_gemm_fp8 op: an MoE expert projection in FP8 (e4m3) with DeepGEMM's block scaling
// (fp8_params.hpp), bf16 out. Group sizes come from a balanced or Zipf routing, as grouped_gemm's.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/common/aligned_buffer.hpp"
#include "kernels/common/bf16.hpp"
#include "kernels/common/case_statistics.hpp"
#include "kernels/common/variant.hpp"
#include "kernels/grouped_gemm/fp8_params.hpp"

namespace moelab::kernels::grouped_gemm {

inline constexpr const char* kGroupedGemmFp8Op = "grouped_gemm_fp8";

// Inputs: e4m3 codes of values uniform in [-kFp8InputRange, kFp8InputRange) (what a quantiser that
// maps each block's maximum to 448 makes of spread data), scales uniform in
// [kFp8ScaleLo, kFp8ScaleHi) (amax / 448 of data of order one). Counter-based, so the GPU
// generates the same bits (kernels/common/counter_random.hpp).
inline constexpr float kFp8InputRange = 448.0f;
inline constexpr float kFp8ScaleLo = 0.5f / 448.0f, kFp8ScaleHi = 2.0f / 448.0f;

// The check: |out - ref| / max(|ref|, rms(ref)) <= 4e-3. The reference dequantises exactly (every
// e4m3 value and product is exact in fp64); what remains is fp32 accumulation (K <= 16384 terms,
// << 1e-4 relative) and the bf16 output rounding (<= 2^-9 = 2e-3).
inline constexpr double kFp8Tolerance = 4e-3;

struct GroupedGemmFp8Shape {
  std::vector<std::int64_t> m;  // rows per group, each >= 0
  int n = 0;
  int k = 0;  // a multiple of 128
  std::string routing;
};

class GroupedGemmFp8Case final : public OpCase, public HasExpertLoad {
 public:
  explicit GroupedGemmFp8Case(GroupedGemmFp8Shape shape, const std::string& origin = "--dim");
  std::string_view op() const override { return kGroupedGemmFp8Op; }
  std::string shape_text() const override;
  // groups, nonempty_groups, tokens, tokens_per_expert_mean / _max, n, k.
  std::vector<ShapeDim> shape_dims() const override;
  double flops() const override;  // 2 * sum(M_g) * N * K
  // A (1 B/element) + its scales + B and its scales of the groups with M_g > 0 + C (bf16).
  double bytes() const override;
  PeakKind peak_kind() const override { return PeakKind::fp8; }
  void fill_inputs(std::uint64_t seed) override;
  void compute_reference() override;
  void poison_output() override;
  CheckResult check_output() const override;
  ExpertLoad expert_load() const override;

  const GroupedGemmFp8Shape& shape() const { return shape_; }
  int groups() const { return static_cast<int>(shape_.m.size()); }
  int total_rows() const { return m_offsets[groups()]; }
  int nonempty_groups() const;
  const std::vector<std::int64_t>& check_rows() const { return check_rows_; }
  GroupedGemmFp8Params params();
  void allocate();  // buffers on first use (validation stays cheap)
  // Counter seeds of the four inputs (a, a_scale, b, b_scale) and the input generation.
  std::uint64_t seed_of(int tensor) const { return seeds_[tensor]; }
  std::uint64_t input_generation() const { return generation_; }

  AlignedBuffer<std::uint8_t> a, b;
  AlignedBuffer<float> a_scale, b_scale;
  AlignedBuffer<bf16> c;
  AlignedBuffer<std::int32_t> m_offsets;
  AlignedBuffer<double> ref;  // [check_rows x N]

 private:
  GroupedGemmFp8Shape shape_;
  std::vector<std::int64_t> check_rows_;
  bool allocated_ = false;
  std::uint64_t seeds_[4] = {0, 0, 0, 0};
  std::uint64_t generation_ = 0;
};

// Presets "<model>.gate_up" (K = hidden, N = 2 x expert width: DeepGEMM's fused gate and up
// projection) and "<model>.down" (K = width, N = hidden). Dims: tokens, topk, groups, n, k,
// zipf_x1000, routing_seed (as grouped_gemm).
std::vector<std::string> fp8_preset_names();
std::unique_ptr<OpCase> make_fp8_case(const ShapeArgs& args);

}  // namespace moelab::kernels::grouped_gemm
