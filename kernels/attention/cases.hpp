#pragma once
// The attention family's problems (OpCase implementations) and the shapes that define them.
// Every case holds host tensors (bf16 bits for inputs, fp32 for the output and the ref), the
// raw-pointer params the kernels take (params.hpp), and the fixed FLOP/byte formulas.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/attention/params.hpp"
#include "kernels/common/variant.hpp"

namespace moelab::kernels::attention {

inline constexpr const char* kPrefillOp = "attention.prefill";
inline constexpr const char* kPagedDecodeOp = "attention.decode_paged";
inline constexpr const char* kCascadeDecodeOp = "attention.decode_cascade";

// Head dims the family's cases accept (the kernels are instantiated for these only).
bool head_dim_supported(int head_dim);

struct HeadShape {
  int heads = 32;
  int kv_heads = 8;
  int head_dim = 128;
};

struct PrefillShape {
  HeadShape h;
  std::vector<int> seq_lens;  // one per sequence; query and key length are equal (self-attention)
  bool causal = true;         // false: every query attends every key of its sequence
};

struct PagedDecodeShape {
  HeadShape h;
  int page_size = 16;
  std::vector<int> context_lens;  // keys per sequence (>= 1)
};

struct CascadeDecodeShape {
  HeadShape h;
  int prefix_len = 0;            // shared by every query
  std::vector<int> suffix_lens;  // per query (may be 0)
};

// Comparison against the ref uses kernels/common's metric |out - ref| / max(|ref|, rms(ref)) with
// the bf16 tolerance (2e-2): inputs are bf16, accumulation fp32, and the tensor-core kernels round
// P to bf16 before the PV product (~2^-9 relative); a wrong mask or a missed tile is O(1).
inline constexpr double kTolerance = 2e-2;

// Above this many multiply-adds the fp64 oracle computes only a row sample (rows = tokens for
// prefill, sequences for decode): the first and last row of every sequence plus every k-th row,
// k chosen to stay near the budget. Every other element must merely be finite (the output is
// NaN-poisoned first). A big preset then checks in seconds instead of minutes.
inline constexpr double kOracleBudgetMacs = 2e9;

// Base class: output/ref storage, poisoning and checking shared by the three ops.
class AttentionCase : public OpCase {
 public:
  void poison_output() override;
  CheckResult check_output() const override;
  // Buffers are allocated on first use (fill_inputs, params, poison_output, compute_reference),
  // not by the constructor, so validating a big shape costs no memory.
  void allocate();
  double host_bytes() const override;
  std::vector<float> out;   // what variants write
  std::vector<double> ref;  // compute_reference() fills it (fp64 oracle) on the checked rows
  // 1 = the oracle computes this output row (all 1 unless the case is over kOracleBudgetMacs).
  const std::vector<std::uint8_t>& checked_rows() const { return checked_rows_; }

 protected:
  // rows of row_elems outputs; `always` rows (first/last of each sequence) are checked in any case.
  void resize_outputs(std::size_t rows, std::size_t row_elems, double macs, const std::vector<std::size_t>& always);
  // The op's input buffers (and resize_outputs), and their bf16 element count for host_bytes().
  virtual void allocate_buffers() = 0;
  virtual double input_elements() const = 0;
  virtual double output_rows() const = 0;
  virtual double output_row_elements() const = 0;
  std::vector<std::uint8_t> checked_rows_;
  std::size_t row_elems_ = 0;
  bool allocated_ = false;
};

class PrefillCase final : public AttentionCase {
 public:
  explicit PrefillCase(PrefillShape shape);  // validated already (make_prefill_case)
  std::string_view op() const override { return kPrefillOp; }
  std::string shape_text() const override;
  // batch, seq_max, tokens (sum of lengths), heads, kv_heads, head_dim, causal
  std::vector<ShapeDim> shape_dims() const override;
  double flops() const override;
  double bytes() const override;
  void fill_inputs(std::uint64_t seed) override;
  void compute_reference() override;

  const PrefillShape& shape() const { return shape_; }
  PrefillParams params();  // pointers into this case's host buffers

  std::vector<bf16_bits> q, k, v;
  std::vector<std::int32_t> cu_seqlens;

 private:
  void allocate_buffers() override;
  double input_elements() const override;
  double output_rows() const override;
  double output_row_elements() const override;
  PrefillShape shape_;
};

class PagedDecodeCase final : public AttentionCase {
 public:
  explicit PagedDecodeCase(PagedDecodeShape shape);
  std::string_view op() const override { return kPagedDecodeOp; }
  std::string shape_text() const override;
  // batch, context_max, context_mean, heads, kv_heads, head_dim, page
  std::vector<ShapeDim> shape_dims() const override;
  double flops() const override;
  double bytes() const override;
  // Also scatters each sequence's pages over the pool in a seeded order, so block tables
  // are not the identity.
  void fill_inputs(std::uint64_t seed) override;
  void compute_reference() override;

  const PagedDecodeShape& shape() const { return shape_; }
  PagedDecodeParams params();

  std::vector<bf16_bits> q, k_cache, v_cache;
  std::vector<std::int32_t> block_table, context_lens;
  int max_pages_per_seq = 0;
  int num_pages = 0;

 private:
  void allocate_buffers() override;
  double input_elements() const override;
  double output_rows() const override;
  double output_row_elements() const override;
  double context_tokens() const;
  PagedDecodeShape shape_;
};

class CascadeDecodeCase final : public AttentionCase {
 public:
  explicit CascadeDecodeCase(CascadeDecodeShape shape);
  std::string_view op() const override { return kCascadeDecodeOp; }
  std::string shape_text() const override;
  // batch, prefix, suffix_max, suffix_mean, heads, kv_heads, head_dim
  std::vector<ShapeDim> shape_dims() const override;
  double flops() const override;
  double bytes() const override;
  void fill_inputs(std::uint64_t seed) override;
  void compute_reference() override;

  const CascadeDecodeShape& shape() const { return shape_; }
  CascadeDecodeParams params();

  std::vector<bf16_bits> q, k_prefix, v_prefix, k_suffix, v_suffix;
  std::vector<std::int32_t> cu_suffix;

 private:
  void allocate_buffers() override;
  double input_elements() const override;
  double output_rows() const override;
  double output_row_elements() const override;
  CascadeDecodeShape shape_;
};

// Shape validation (InputError naming the dim and the origin) + construction.
std::unique_ptr<PrefillCase> make_prefill_case(PrefillShape shape, const std::string& origin = "--dim");
std::unique_ptr<PagedDecodeCase> make_paged_decode_case(PagedDecodeShape shape, const std::string& origin = "--dim");
std::unique_ptr<CascadeDecodeCase> make_cascade_decode_case(CascadeDecodeShape shape,
                                                            const std::string& origin = "--dim");

}  // namespace moelab::kernels::attention
