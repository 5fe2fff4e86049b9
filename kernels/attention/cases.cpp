#include "kernels/attention/cases.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>

#include "base/input_error.hpp"
#include "kernels/attention/ref/attention_ref.hpp"
#include "kernels/common/error_metrics.hpp"
#include "kernels/common/random_fill.hpp"

namespace moelab::kernels::attention {
namespace {

// Q and K span [-2, 2) so scores have a spread near 1.3 (peaked enough to exercise the max
// subtraction); V spans [-1, 1).
constexpr float kQkRange = 2.0f;

// Host tensors are bf16 bits (uint16), bit-compatible with kernels/common's bf16.
void fill_bf16(std::vector<bf16_bits>& out, std::uint64_t seed, float lo, float hi) {
  static_assert(sizeof(bf16) == sizeof(bf16_bits));
  fill_uniform(std::span<bf16>(reinterpret_cast<bf16*>(out.data()), out.size()), lo, hi, seed);
}

std::string lens_text(const char* name, const std::vector<int>& lens) {
  std::ostringstream os;
  const bool uniform = std::all_of(lens.begin(), lens.end(), [&](int x) { return x == lens.front(); });
  if (lens.empty()) {
    os << name << "=[]";
  } else if (uniform) {
    os << name << "=" << lens.front();
  } else if (lens.size() <= 8) {
    os << name << "=[";
    for (std::size_t i = 0; i < lens.size(); ++i) os << (i ? "," : "") << lens[i];
    os << "]";
  } else {
    const auto [lo, hi] = std::minmax_element(lens.begin(), lens.end());
    os << name << "=" << *lo << ".." << *hi << " total=" << std::accumulate(lens.begin(), lens.end(), 0LL);
  }
  return os.str();
}

std::string heads_text(const HeadShape& h) {
  return "h=" + std::to_string(h.heads) + " hkv=" + std::to_string(h.kv_heads) + " d=" + std::to_string(h.head_dim);
}

float softmax_scale(int head_dim) { return 1.0f / std::sqrt(static_cast<float>(head_dim)); }

void validate_heads(const HeadShape& h, const std::string& origin) {
  const SourceLocation where{origin, 0, 0};
  if (h.heads <= 0) throw InputError(where, "heads", "must be positive, got " + std::to_string(h.heads));
  if (h.kv_heads <= 0) throw InputError(where, "kv_heads", "must be positive, got " + std::to_string(h.kv_heads));
  if (h.heads % h.kv_heads != 0) {
    throw InputError(
        where, "kv_heads",
        "heads (" + std::to_string(h.heads) + ") must be a multiple of kv_heads (" + std::to_string(h.kv_heads) + ")");
  }
  if (!head_dim_supported(h.head_dim)) {
    throw InputError(where, "head_dim", "must be 64 or 128, got " + std::to_string(h.head_dim));
  }
}

void validate_lens(const std::vector<int>& lens, const char* key, int min_len, const std::string& origin,
                   std::int64_t extra_per_sequence = 0) {
  const SourceLocation where{origin, 0, 0};
  if (lens.empty()) throw InputError(where, "batch", "must be positive, got 0");
  std::int64_t total = 0;
  for (int x : lens) {
    if (x < min_len) {
      throw InputError(where, key, "must be >= " + std::to_string(min_len) + ", got " + std::to_string(x));
    }
    total += x + extra_per_sequence;
  }
  // Offsets and page counts are int32 in the kernels' params.
  if (total > std::numeric_limits<std::int32_t>::max()) {
    throw InputError(where, key, "the batch's tokens add up to " + std::to_string(total) + ", more than 2^31 - 1");
  }
}

}  // namespace

bool head_dim_supported(int head_dim) { return head_dim == 64 || head_dim == 128; }

// ---- shared output handling ----

void AttentionCase::resize_outputs(std::size_t rows, std::size_t row_elems, double macs,
                                   const std::vector<std::size_t>& always) {
  out.assign(rows * row_elems, 0.0f);
  ref.assign(rows * row_elems, 0.0);
  row_elems_ = row_elems;
  if (macs <= kOracleBudgetMacs) {
    checked_rows_.assign(rows, 1);
    return;
  }
  const auto stride = static_cast<std::size_t>(std::ceil(macs / kOracleBudgetMacs));
  checked_rows_.assign(rows, 0);
  for (std::size_t r = 0; r < rows; r += stride) checked_rows_[r] = 1;
  for (std::size_t r : always) checked_rows_[r] = 1;
}

void AttentionCase::allocate() {
  if (allocated_) return;
  allocated_ = true;
  allocate_buffers();
}

// bf16 inputs, fp32 output, fp64 reference and one check flag per output row.
double AttentionCase::host_bytes() const {
  const double out_elems = output_rows() * output_row_elements();
  return 2.0 * input_elements() + 12.0 * out_elems + output_rows();
}

void AttentionCase::poison_output() {
  allocate();
  std::fill(out.begin(), out.end(), std::numeric_limits<float>::quiet_NaN());
}

CheckResult AttentionCase::check_output() const {
  if (std::all_of(checked_rows_.begin(), checked_rows_.end(), [](std::uint8_t c) { return c != 0; })) {
    return compare_to_reference(out, ref, kTolerance);
  }
  // Sampled oracle: compare the checked rows, and require every element to be finite.
  std::vector<float> got;
  std::vector<double> want;
  for (std::size_t r = 0; r < checked_rows_.size(); ++r) {
    if (!checked_rows_[r]) continue;
    got.insert(got.end(), out.begin() + r * row_elems_, out.begin() + (r + 1) * row_elems_);
    want.insert(want.end(), ref.begin() + r * row_elems_, ref.begin() + (r + 1) * row_elems_);
  }
  CheckResult result = compare_to_reference(got, want, kTolerance);
  const std::size_t non_finite = count_non_finite(std::span<const float>(out));
  if (non_finite > 0 && result.passed) {
    result.passed = false;
    result.max_rel_error = std::numeric_limits<double>::infinity();
    result.detail = std::to_string(non_finite) + " non-finite output element(s) outside the checked rows";
  }
  if (!result.detail.empty()) result.detail += " (sampled rows)";
  return result;
}

// ---- attention.prefill ----

PrefillCase::PrefillCase(PrefillShape shape) : shape_(std::move(shape)) {
  cu_seqlens.assign(1, 0);
  for (int len : shape_.seq_lens) cu_seqlens.push_back(cu_seqlens.back() + len);
}

double PrefillCase::output_rows() const { return static_cast<double>(cu_seqlens.back()); }
double PrefillCase::output_row_elements() const { return double(shape_.h.heads) * shape_.h.head_dim; }
double PrefillCase::input_elements() const {
  return output_rows() * (double(shape_.h.heads) + 2.0 * shape_.h.kv_heads) * shape_.h.head_dim;
}

void PrefillCase::allocate_buffers() {
  const std::size_t tokens = static_cast<std::size_t>(cu_seqlens.back());
  q.assign(tokens * shape_.h.heads * shape_.h.head_dim, 0);
  k.assign(tokens * shape_.h.kv_heads * shape_.h.head_dim, 0);
  v.assign(k.size(), 0);
  std::vector<std::size_t> always;
  for (std::size_t b = 0; b + 1 < cu_seqlens.size(); ++b) {
    always.push_back(cu_seqlens[b]);
    always.push_back(cu_seqlens[b + 1] - 1);
  }
  resize_outputs(tokens, std::size_t(shape_.h.heads) * shape_.h.head_dim, flops() / 2, always);
}

std::vector<ShapeDim> PrefillCase::shape_dims() const {
  return {{"batch", double(shape_.seq_lens.size())},
          {"seq_max", double(*std::max_element(shape_.seq_lens.begin(), shape_.seq_lens.end()))},
          {"tokens", double(cu_seqlens.back())},
          {"heads", shape_.h.heads},
          {"kv_heads", shape_.h.kv_heads},
          {"head_dim", shape_.h.head_dim},
          {"causal", shape_.causal ? 1.0 : 0.0}};
}

std::string PrefillCase::shape_text() const {
  return "b=" + std::to_string(shape_.seq_lens.size()) + " " + lens_text("s", shape_.seq_lens) + " " +
         heads_text(shape_.h) + (shape_.causal ? " causal" : " full");
}

// QK^T and PV each cost 2*d flops per (query, key, head) pair; causal keeps s*(s+1)/2 pairs:
//   flops = 4 * h * d * sum_i s_i*(s_i+1)/2   (full attention: s_i^2 pairs)
// (FlashAttention's benchmarks count causal work as half of s^2; the difference is s/2 pairs.)
double PrefillCase::flops() const {
  double pairs = 0;
  for (int s : shape_.seq_lens) pairs += shape_.causal ? 0.5 * double(s) * double(s + 1) : double(s) * double(s);
  return 4.0 * shape_.h.heads * shape_.h.head_dim * pairs;
}

// Q, K, V read once (bf16) + O written once (fp32).
double PrefillCase::bytes() const { return 2.0 * input_elements() + 4.0 * output_rows() * output_row_elements(); }

void PrefillCase::fill_inputs(std::uint64_t seed) {
  allocate();
  fill_bf16(q, derive_seed(seed, 0), -kQkRange, kQkRange);
  fill_bf16(k, derive_seed(seed, 1), -kQkRange, kQkRange);
  fill_bf16(v, derive_seed(seed, 2), -1.0f, 1.0f);
}

PrefillParams PrefillCase::params() {
  allocate();
  PrefillParams p;
  p.q = q.data();
  p.k = k.data();
  p.v = v.data();
  p.out = out.data();
  p.cu_seqlens = cu_seqlens.data();
  p.batch = static_cast<int>(shape_.seq_lens.size());
  p.heads = shape_.h.heads;
  p.kv_heads = shape_.h.kv_heads;
  p.head_dim = shape_.h.head_dim;
  p.max_seq_len = *std::max_element(shape_.seq_lens.begin(), shape_.seq_lens.end());
  p.total_tokens = cu_seqlens.back();
  p.sm_scale = softmax_scale(shape_.h.head_dim);
  p.causal = shape_.causal ? 1 : 0;
  return p;
}

void PrefillCase::compute_reference() {
  allocate();
  ref::prefill(params(), ref.data(), checked_rows_.data());
}

// ---- attention.decode_paged ----

PagedDecodeCase::PagedDecodeCase(PagedDecodeShape shape) : shape_(std::move(shape)) {
  context_lens.assign(shape_.context_lens.begin(), shape_.context_lens.end());
  for (int len : shape_.context_lens) {
    const int pages = (len + shape_.page_size - 1) / shape_.page_size;
    max_pages_per_seq = std::max(max_pages_per_seq, pages);
    num_pages += pages;
  }
}

double PagedDecodeCase::context_tokens() const {
  double keys = 0;
  for (int c : shape_.context_lens) keys += c;
  return keys;
}
double PagedDecodeCase::output_rows() const { return static_cast<double>(shape_.context_lens.size()); }
double PagedDecodeCase::output_row_elements() const { return double(shape_.h.heads) * shape_.h.head_dim; }
// Q, and the page pool's K and V (whole pages), plus the block table (counted as elements).
double PagedDecodeCase::input_elements() const {
  const double row = double(shape_.h.kv_heads) * shape_.h.head_dim;
  return output_rows() * output_row_elements() + 2.0 * double(num_pages) * shape_.page_size * row +
         2.0 * output_rows() * max_pages_per_seq;
}

void PagedDecodeCase::allocate_buffers() {
  const int batch = static_cast<int>(shape_.context_lens.size());
  block_table.assign(std::size_t(batch) * max_pages_per_seq, 0);
  const std::size_t row = std::size_t(shape_.h.kv_heads) * shape_.h.head_dim;
  k_cache.assign(std::size_t(num_pages) * shape_.page_size * row, 0);
  v_cache.assign(k_cache.size(), 0);
  q.assign(std::size_t(batch) * shape_.h.heads * shape_.h.head_dim, 0);
  resize_outputs(batch, std::size_t(shape_.h.heads) * shape_.h.head_dim, flops() / 2, {0, std::size_t(batch) - 1});
}

std::vector<ShapeDim> PagedDecodeCase::shape_dims() const {
  const double total = std::accumulate(shape_.context_lens.begin(), shape_.context_lens.end(), 0.0);
  return {{"batch", double(shape_.context_lens.size())},
          {"context_max", double(*std::max_element(shape_.context_lens.begin(), shape_.context_lens.end()))},
          {"context_mean", total / double(shape_.context_lens.size())},
          {"heads", shape_.h.heads},
          {"kv_heads", shape_.h.kv_heads},
          {"head_dim", shape_.h.head_dim},
          {"page", shape_.page_size}};
}

std::string PagedDecodeCase::shape_text() const {
  return "b=" + std::to_string(shape_.context_lens.size()) + " " + lens_text("ctx", shape_.context_lens) + " " +
         heads_text(shape_.h) + " page=" + std::to_string(shape_.page_size);
}

// Per sequence and head: QK^T and PV over ctx keys, 2*d each -> 4 * h * d * ctx.
double PagedDecodeCase::flops() const {
  double keys = 0;
  for (int c : shape_.context_lens) keys += c;
  return 4.0 * shape_.h.heads * shape_.h.head_dim * keys;
}

// K and V of every context token read once (bf16) + Q (bf16) + O (fp32). Block tables are
// negligible and left out.
double PagedDecodeCase::bytes() const {
  const double q_and_out = output_rows() * output_row_elements();
  return 2.0 * 2.0 * context_tokens() * shape_.h.kv_heads * shape_.h.head_dim + 2.0 * q_and_out + 4.0 * q_and_out;
}

void PagedDecodeCase::fill_inputs(std::uint64_t seed) {
  allocate();
  fill_bf16(q, derive_seed(seed, 0), -kQkRange, kQkRange);
  fill_bf16(k_cache, derive_seed(seed, 1), -kQkRange, kQkRange);
  fill_bf16(v_cache, derive_seed(seed, 2), -1.0f, 1.0f);
  // Pages in a seeded random order (Fisher-Yates), handed out sequence by sequence.
  std::vector<std::int32_t> order(static_cast<std::size_t>(num_pages));
  std::iota(order.begin(), order.end(), 0);
  Rng rng(derive_seed(seed, 3));
  for (std::size_t i = order.size(); i > 1; --i) {
    const std::size_t j = rng.below(i);
    std::swap(order[i - 1], order[j]);
  }
  std::size_t next = 0;
  std::fill(block_table.begin(), block_table.end(), 0);
  for (std::size_t b = 0; b < shape_.context_lens.size(); ++b) {
    const int pages = (shape_.context_lens[b] + shape_.page_size - 1) / shape_.page_size;
    for (int i = 0; i < pages; ++i) block_table[b * max_pages_per_seq + i] = order[next++];
  }
}

PagedDecodeParams PagedDecodeCase::params() {
  allocate();
  PagedDecodeParams p;
  p.q = q.data();
  p.k_cache = k_cache.data();
  p.v_cache = v_cache.data();
  p.out = out.data();
  p.block_table = block_table.data();
  p.context_lens = context_lens.data();
  p.batch = static_cast<int>(shape_.context_lens.size());
  p.heads = shape_.h.heads;
  p.kv_heads = shape_.h.kv_heads;
  p.head_dim = shape_.h.head_dim;
  p.page_size = shape_.page_size;
  p.max_pages_per_seq = max_pages_per_seq;
  p.max_context_len = *std::max_element(shape_.context_lens.begin(), shape_.context_lens.end());
  p.num_pages = num_pages;
  p.sm_scale = softmax_scale(shape_.h.head_dim);
  return p;
}

void PagedDecodeCase::compute_reference() {
  allocate();
  ref::paged_decode(params(), ref.data(), checked_rows_.data());
}

// ---- attention.decode_cascade ----

CascadeDecodeCase::CascadeDecodeCase(CascadeDecodeShape shape) : shape_(std::move(shape)) {
  cu_suffix.assign(1, 0);
  for (int len : shape_.suffix_lens) cu_suffix.push_back(cu_suffix.back() + len);
}

double CascadeDecodeCase::output_rows() const { return static_cast<double>(shape_.suffix_lens.size()); }
double CascadeDecodeCase::output_row_elements() const { return double(shape_.h.heads) * shape_.h.head_dim; }
double CascadeDecodeCase::input_elements() const {
  const double row = double(shape_.h.kv_heads) * shape_.h.head_dim;
  return 2.0 * (double(shape_.prefix_len) + double(cu_suffix.back())) * row + output_rows() * output_row_elements();
}

void CascadeDecodeCase::allocate_buffers() {
  const std::size_t row = std::size_t(shape_.h.kv_heads) * shape_.h.head_dim;
  k_prefix.assign(std::size_t(shape_.prefix_len) * row, 0);
  v_prefix.assign(k_prefix.size(), 0);
  k_suffix.assign(std::size_t(cu_suffix.back()) * row, 0);
  v_suffix.assign(k_suffix.size(), 0);
  q.assign(shape_.suffix_lens.size() * shape_.h.heads * shape_.h.head_dim, 0);
  const std::size_t batch = shape_.suffix_lens.size();
  resize_outputs(batch, std::size_t(shape_.h.heads) * shape_.h.head_dim, flops() / 2, {0, batch - 1});
}

std::vector<ShapeDim> CascadeDecodeCase::shape_dims() const {
  const double total = std::accumulate(shape_.suffix_lens.begin(), shape_.suffix_lens.end(), 0.0);
  return {{"batch", double(shape_.suffix_lens.size())},
          {"prefix", shape_.prefix_len},
          {"suffix_max", double(*std::max_element(shape_.suffix_lens.begin(), shape_.suffix_lens.end()))},
          {"suffix_mean", total / double(shape_.suffix_lens.size())},
          {"heads", shape_.h.heads},
          {"kv_heads", shape_.h.kv_heads},
          {"head_dim", shape_.h.head_dim}};
}

std::string CascadeDecodeCase::shape_text() const {
  return "b=" + std::to_string(shape_.suffix_lens.size()) + " prefix=" + std::to_string(shape_.prefix_len) + " " +
         lens_text("suffix", shape_.suffix_lens) + " " + heads_text(shape_.h);
}

// The same work as plain decode over prefix + suffix: 4 * h * d * (prefix + suffix_i) per query.
double CascadeDecodeCase::flops() const {
  double keys = 0;
  for (int s : shape_.suffix_lens) keys += shape_.prefix_len + s;
  return 4.0 * shape_.h.heads * shape_.h.head_dim * keys;
}

// Compulsory traffic: the shared prefix K/V once, every suffix K/V once, Q (bf16), O (fp32).
double CascadeDecodeCase::bytes() const { return 2.0 * input_elements() + 4.0 * output_rows() * output_row_elements(); }

void CascadeDecodeCase::fill_inputs(std::uint64_t seed) {
  allocate();
  fill_bf16(q, derive_seed(seed, 0), -kQkRange, kQkRange);
  fill_bf16(k_prefix, derive_seed(seed, 1), -kQkRange, kQkRange);
  fill_bf16(v_prefix, derive_seed(seed, 2), -1.0f, 1.0f);
  fill_bf16(k_suffix, derive_seed(seed, 3), -kQkRange, kQkRange);
  fill_bf16(v_suffix, derive_seed(seed, 4), -1.0f, 1.0f);
}

CascadeDecodeParams CascadeDecodeCase::params() {
  allocate();
  CascadeDecodeParams p;
  p.q = q.data();
  p.k_prefix = k_prefix.data();
  p.v_prefix = v_prefix.data();
  p.k_suffix = k_suffix.data();
  p.v_suffix = v_suffix.data();
  p.cu_suffix = cu_suffix.data();
  p.out = out.data();
  p.batch = static_cast<int>(shape_.suffix_lens.size());
  p.heads = shape_.h.heads;
  p.kv_heads = shape_.h.kv_heads;
  p.head_dim = shape_.h.head_dim;
  p.prefix_len = shape_.prefix_len;
  p.max_suffix_len = *std::max_element(shape_.suffix_lens.begin(), shape_.suffix_lens.end());
  p.total_suffix = cu_suffix.back();
  p.sm_scale = softmax_scale(shape_.h.head_dim);
  return p;
}

void CascadeDecodeCase::compute_reference() {
  allocate();
  ref::cascade_decode(params(), ref.data(), checked_rows_.data());
}

// ---- validation ----

std::unique_ptr<PrefillCase> make_prefill_case(PrefillShape shape, const std::string& origin) {
  validate_heads(shape.h, origin);
  validate_lens(shape.seq_lens, "seq", 1, origin);
  return std::make_unique<PrefillCase>(std::move(shape));
}

std::unique_ptr<PagedDecodeCase> make_paged_decode_case(PagedDecodeShape shape, const std::string& origin) {
  validate_heads(shape.h, origin);
  if (shape.page_size <= 0) {
    throw InputError({origin, 0, 0}, "page", "must be positive, got " + std::to_string(shape.page_size));
  }
  validate_lens(shape.context_lens, "ctx", 1, origin);
  return std::make_unique<PagedDecodeCase>(std::move(shape));
}

std::unique_ptr<CascadeDecodeCase> make_cascade_decode_case(CascadeDecodeShape shape, const std::string& origin) {
  validate_heads(shape.h, origin);
  if (shape.prefix_len < 0) {
    throw InputError({origin, 0, 0}, "prefix", "must be >= 0, got " + std::to_string(shape.prefix_len));
  }
  validate_lens(shape.suffix_lens, "suffix", 0, origin, shape.prefix_len);
  for (int s : shape.suffix_lens) {
    if (std::int64_t{shape.prefix_len} + s < 1) {
      throw InputError({origin, 0, 0}, "prefix", "prefix + suffix must be >= 1 for every query");
    }
  }
  return std::make_unique<CascadeDecodeCase>(std::move(shape));
}

}  // namespace moelab::kernels::attention
