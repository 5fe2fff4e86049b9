#pragma once
// The grouped_gemm op: G experts with their own row counts M_g (possibly 0), shared N and K.
// Layout and dtypes: grouped_gemm_params.hpp (bf16 in, bf16 out, fp32 accumulation).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/common/aligned_buffer.hpp"
#include "kernels/common/bf16.hpp"
#include "kernels/common/variant.hpp"
#include "kernels/grouped_gemm/grouped_gemm_params.hpp"
#include "kernels/router/routing.hpp"

namespace moelab::kernels::grouped_gemm {

inline constexpr const char* kGroupedGemmOp = "grouped_gemm";

// Above this many fp64 multiply-adds the oracle checks a sample of rows instead of all of them
// (a DeepSeek-V3 preset is ~1e12: hours in fp64 on a CPU). The sample: the first and last row of
// up to kSampledCheckGroups non-empty groups (all of them when there are fewer; else the first,
// the last and seeded others), then seeded random rows up to kSampledCheckRows. ~160 rows of a
// DeepSeek-V3 projection are ~2e9 multiply-adds, a fraction of a second on the reference's threads.
inline constexpr double kFullCheckMaxMacs = 2e9;
inline constexpr int kSampledCheckGroups = 64;
inline constexpr int kSampledCheckRows = 160;
// Inputs: A and B uniform in [kInputLo, kInputHi), bf16, counter-based (kernels/common/random_fill.hpp).
inline constexpr float kInputLo = -1.0f, kInputHi = 1.0f;

struct GroupedGemmShape {
  std::vector<std::int64_t> m;  // rows per group, each >= 0
  int n = 0;
  int k = 0;
  std::string routing;  // how m was made, for shape_text ("balanced tokens=4096 top8", "explicit")
};

class GroupedGemmCase final : public OpCase, public HasExpertLoad {
 public:
  explicit GroupedGemmCase(GroupedGemmShape shape, const std::string& origin = "--dim");
  std::string_view op() const override { return kGroupedGemmOp; }
  std::string shape_text() const override;
  // groups, nonempty_groups, tokens (sum M_g), tokens_per_expert_mean / _max (over non-empty
  // groups), n, k.
  std::vector<ShapeDim> shape_dims() const override;
  double flops() const override;  // 2 * sum(M_g) * N * K
  double bytes() const override;  // A + B of groups with M_g > 0 + C, all bf16
  // A, B uniform in [-1, 1), bf16, counter-based: the cuda variants generate the same bits on
  // the device (a_seed(), b_seed()) instead of uploading gigabytes of weights.
  void fill_inputs(std::uint64_t seed) override;
  std::uint64_t a_seed() const { return a_seed_; }
  std::uint64_t b_seed() const { return b_seed_; }
  std::uint64_t input_generation() const { return generation_; }  // kernels/common/input_generation.hpp
  // fp64 dot products for the rows in check_rows() (all rows when small enough).
  void compute_reference() override;
  void poison_output() override;
  CheckResult check_output() const override;  // bf16 tolerance (router::kBf16OutTolerance)

  const GroupedGemmShape& shape() const { return shape_; }
  int groups() const { return static_cast<int>(shape_.m.size()); }
  int total_rows() const { return m_offsets[groups()]; }
  int nonempty_groups() const;
  ExpertLoad expert_load() const override;  // M_g as tokens per expert
  // All rows, or (above kFullCheckMaxMacs) the first and last row of every non-empty group plus
  // seeded random rows up to kSampledCheckRows, ascending. Fixed at construction.
  const std::vector<std::int64_t>& check_rows() const { return check_rows_; }
  GroupedGemmParams params();
  // Buffers are allocated on first use (fill_inputs, params, ...), not by the constructor, so
  // validating a config with big presets (B alone is 7.5 GB for DeepSeek-V3) stays cheap.
  void allocate();
  double host_bytes() const override;

  AlignedBuffer<bf16> a, b, c;
  AlignedBuffer<std::int32_t> m_offsets;  // [groups + 1]
  AlignedBuffer<double> ref;              // [check_rows x N]

 private:
  GroupedGemmShape shape_;
  std::vector<std::int64_t> check_rows_;
  bool allocated_ = false;
  std::uint64_t a_seed_ = 0, b_seed_ = 0, generation_ = 0;
};

// Presets "<model>.<projection>": up (K = hidden, N = expert width; gate is the same shape) and
// down (K = width, N = hidden). Dims: tokens, topk, groups, n, k, zipf_x1000 (0 = exact balanced
// split), routing_seed.
std::vector<std::string> preset_names();
std::unique_ptr<OpCase> make_case(const ShapeArgs& args);

}  // namespace moelab::kernels::grouped_gemm
