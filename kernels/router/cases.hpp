#pragma once
// The router family's problems: router.topk, router.permute, router.combine (layouts in
// router_params.hpp). Each case owns host buffers, the ref result and the check.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/common/aligned_buffer.hpp"
#include "kernels/common/bf16.hpp"
#include "kernels/common/variant.hpp"
#include "kernels/router/router_params.hpp"
#include "kernels/router/routing.hpp"

namespace moelab::kernels::router {

inline constexpr const char* kTopkOp = "router.topk";
inline constexpr const char* kPermuteOp = "router.permute";
inline constexpr const char* kCombineOp = "router.combine";

// Weights: |out - ref| / max(|ref|, 1e-6) <= 1e-4. fp32 softmax/sigmoid arithmetic lands within
// a few ulp (~1e-6); a wrong denominator or scale is off by >= 1e-2.
inline constexpr double kWeightTolerance = 1e-4;
// bf16 outputs (combine, grouped GEMM), error metric of kernels/common/error_metrics.hpp
// (|out - ref| / max(|ref|, rms(ref))): tighter than the default bf16 2e-2 because these ops
// round only once, at the output store (<= 2^-9 = 2e-3 relative); fp32 accumulation over
// K <= 2e4 terms adds < 1e-5. A missed tile or a wrong row is O(1).
inline constexpr double kBf16OutTolerance = 4e-3;

struct TopkShape {
  int tokens = 16384;
  int experts = 256;
  int k = 8;
  Scoring scoring = Scoring::sigmoid;
  bool renormalize = true;
  int n_group = 8;
  int topk_group = 4;
  float routed_scaling = 2.5f;
};

struct PermuteShape {
  int tokens = 16384;
  int experts = 256;
  int k = 8;
  double zipf_s = 0;  // 0: uniform routing
};

struct CombineShape {
  int tokens = 4096;
  int experts = 256;
  int k = 8;
  int hidden = 7168;
  double zipf_s = 0;
};

class TopkCase final : public OpCase, public HasExpertLoad {
 public:
  // Invalid shapes throw InputError naming the dim (origin: where the dims came from).
  explicit TopkCase(TopkShape shape, const std::string& origin = "--dim");
  std::string_view op() const override { return kTopkOp; }
  std::string shape_text() const override;
  std::vector<ShapeDim> shape_dims() const override;
  double flops() const override;  // nominal: one op per logit (scoring) — the op is bandwidth-bound
  double bytes() const override;  // logits + bias + ids + weights
  // Logits uniform in [-4, 4) quantised to 1/16 and bias in [-1/2, 1/2) quantised to 1/64, so
  // exact ties occur in every case and the tie rule is checked every time.
  void fill_inputs(std::uint64_t seed) override;
  void compute_reference() override;
  void poison_output() override;
  // Ids must equal ref's exactly (slot order included); weights within kWeightTolerance.
  CheckResult check_output() const override;

  const TopkShape& shape() const { return shape_; }
  ExpertLoad expert_load() const override;  // of the ref routing (ref_ids)
  TopkParams params();                      // pointers to the host buffers below (output: ids, weights)
  // Buffers are allocated on first use (fill_inputs, params, poison_output, compute_reference),
  // not by the constructor, so validating a big shape costs no memory.
  void allocate();
  double host_bytes() const override;

  AlignedBuffer<float> logits, bias;
  AlignedBuffer<std::int32_t> ids;
  AlignedBuffer<float> weights;
  AlignedBuffer<std::int32_t> ref_ids;
  AlignedBuffer<double> ref_weights;

 private:
  TopkShape shape_;
  bool allocated_ = false;
};

class PermuteCase final : public OpCase, public HasExpertLoad {
 public:
  explicit PermuteCase(PermuteShape shape, const std::string& origin = "--dim");
  std::string_view op() const override { return kPermuteOp; }
  std::string shape_text() const override;
  std::vector<ShapeDim> shape_dims() const override;
  double flops() const override { return 0; }
  double bytes() const override;                  // ids in; sorted, inverse, offsets out
  void fill_inputs(std::uint64_t seed) override;  // a sampled routing (sample_routing)
  void compute_reference() override;
  void poison_output() override;
  // Always: offsets exact; each expert's segment holds exactly its assignments; inverse
  // consistent (sorted[inverse[a]] == a). Stable expectation (the default): sorted exact too.
  CheckResult check_output() const override;

  // Which check applies to the output now in the case. Every permute variant sets it in
  // prepare() and again whenever it writes the case's output (a CPU run, a GPU copy-back), so the
  // expectation always matches the variant whose output is checked, in any call order.
  void expect_stable(bool stable) { expect_stable_ = stable; }
  bool expects_stable() const { return expect_stable_; }

  const PermuteShape& shape() const { return shape_; }
  ExpertLoad expert_load() const override;  // of the input routing (topk_ids)
  int assignments() const { return shape_.tokens * shape_.k; }
  PermuteParams params();
  // Buffers are allocated on first use (fill_inputs, params, poison_output, compute_reference),
  // not by the constructor, so validating a big shape costs no memory.
  void allocate();
  double host_bytes() const override;

  AlignedBuffer<std::int32_t> topk_ids;
  AlignedBuffer<std::int32_t> sorted, offsets, inverse;
  AlignedBuffer<std::int32_t> ref_sorted, ref_offsets, ref_inverse;

 private:
  PermuteShape shape_;
  bool allocated_ = false;
  bool expect_stable_ = true;
};

class CombineCase final : public OpCase, public HasExpertLoad {
 public:
  explicit CombineCase(CombineShape shape, const std::string& origin = "--dim");
  std::string_view op() const override { return kCombineOp; }
  std::string shape_text() const override;
  std::vector<ShapeDim> shape_dims() const override;
  double flops() const override;  // 2 * tokens * k * hidden
  double bytes() const override;  // expert rows read + out written + inverse + weights
  // A sampled routing, its stable permutation (inverse), expert rows ~ N(0,1) in bf16,
  // weights uniform in [0.05, 1).
  void fill_inputs(std::uint64_t seed) override;
  void compute_reference() override;
  void poison_output() override;
  CheckResult check_output() const override;

  const CombineShape& shape() const { return shape_; }
  ExpertLoad expert_load() const override;  // of the sampled routing behind inverse
  CombineParams params();
  // Buffers are allocated on first use (fill_inputs, params, poison_output, compute_reference),
  // not by the constructor, so validating a big shape costs no memory.
  void allocate();
  double host_bytes() const override;

  AlignedBuffer<bf16> expert_out;
  AlignedBuffer<std::int32_t> inverse;
  AlignedBuffer<float> weights;
  AlignedBuffer<bf16> out;
  AlignedBuffer<double> ref;

 private:
  CombineShape shape_;
  bool allocated_ = false;
  std::vector<std::int32_t> routing_;  // topk_ids the inputs were made from
};

// Registry hooks: presets name a model's router ("deepseek-v3", ...); dims override.
std::vector<std::string> topk_preset_names();
std::vector<std::string> permute_preset_names();
std::vector<std::string> combine_preset_names();
std::unique_ptr<OpCase> make_topk_case(const ShapeArgs& args);
std::unique_ptr<OpCase> make_permute_case(const ShapeArgs& args);
std::unique_ptr<OpCase> make_combine_case(const ShapeArgs& args);

}  // namespace moelab::kernels::router
