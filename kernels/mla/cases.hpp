#pragma once
// The mla.decode op: one query token per sequence, every head, against a paged latent KV cache
// (params.hpp). Presets: DeepSeek-V3 (128 heads) and Kimi K2 (64 heads), both kv_lora 512 + rope 64
// (data/models/deepseek-v3.toml, kimi-k2.toml); FlashMLA's page size 64.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/common/variant.hpp"
#include "kernels/mla/params.hpp"

namespace moelab::kernels::mla {

inline constexpr const char* kMlaDecodeOp = "mla.decode";

// Check: |out - ref| / max(|ref|, rms(ref)) <= 2e-2, the bf16 tolerance: bf16 inputs, fp32
// accumulation, and the tensor-core kernel rounds P to bf16 before the PV product (~2^-9).
inline constexpr double kTolerance = 2e-2;
// Above this many fp64 multiply-adds the oracle computes a sample of (sequence, head) rows: every
// head of the first and last sequence, then seeded (sequence, head) pairs up to the budget; the
// other outputs must be finite (they are NaN-poisoned first).
inline constexpr double kOracleBudgetMacs = 2e9;
// Inputs uniform in [-1, 1) (bf16, counter-based): with 576 dims the scaled scores spread ~0.6.
inline constexpr float kInputLo = -1.0f, kInputHi = 1.0f;

struct MlaDecodeShape {
  int heads = 128;
  int kv_lora = 512;
  int rope = 64;
  int page_size = 64;
  std::vector<int> context_lens;  // keys per sequence (>= 1)
  double sm_scale = 0;            // 0: 1 / sqrt(qk_nope 128 + rope 64), DeepSeek-V3's head dims
};

class MlaDecodeCase final : public OpCase {
 public:
  explicit MlaDecodeCase(MlaDecodeShape shape);  // validated (make_mla_decode_case)
  std::string_view op() const override { return kMlaDecodeOp; }
  std::string shape_text() const override;
  // batch, context_max, context_mean, heads, kv_lora, rope, page
  std::vector<ShapeDim> shape_dims() const override;
  double flops() const override;  // 2 * heads * sum(ctx) * (qk_dim + kv_lora)
  double bytes() const override;  // the latent cache rows once (bf16) + q (bf16) + out (fp32)
  // q and the cache counter-based (the GPU generates the same bits); pages scattered over the pool
  // in a seeded order, so block tables are never the identity.
  void fill_inputs(std::uint64_t seed) override;
  void compute_reference() override;
  void poison_output() override;
  CheckResult check_output() const override;

  const MlaDecodeShape& shape() const { return shape_; }
  MlaDecodeParams params();
  std::uint64_t q_seed() const { return q_seed_; }
  std::uint64_t kv_seed() const { return kv_seed_; }
  std::uint64_t input_generation() const { return generation_; }
  // (sequence * heads + head) rows the oracle computed (all when under the budget).
  const std::vector<std::uint8_t>& checked_rows() const { return checked_rows_; }

  std::vector<bf16_bits> q, kv_cache;
  std::vector<std::int32_t> block_table, context_lens;
  std::vector<float> out;
  std::vector<double> ref;
  int max_pages_per_seq = 0;
  int num_pages = 0;

 private:
  MlaDecodeShape shape_;
  std::vector<std::uint8_t> checked_rows_;
  std::uint64_t q_seed_ = 0, kv_seed_ = 0, generation_ = 0;
};

std::unique_ptr<MlaDecodeCase> make_mla_decode_case(MlaDecodeShape shape, const std::string& origin = "--dim");

// Presets "deepseek-v3" (128 heads), "kimi-k2" (64 heads). Dims: batch (64), ctx (4096), page (64),
// heads, vary (1 = lengths spread ctx .. 1).
std::vector<std::string> preset_names();
std::unique_ptr<OpCase> make_case_from_args(const ShapeArgs& args);

}  // namespace moelab::kernels::mla
