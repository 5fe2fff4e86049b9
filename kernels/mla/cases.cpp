#include "kernels/mla/cases.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>

#include "base/input_error.hpp"
#include "base/rng.hpp"
#include "kernels/common/error_metrics.hpp"
#include "kernels/common/input_generation.hpp"
#include "kernels/common/random_fill.hpp"
#include "kernels/mla/ref/mla_ref.hpp"

namespace moelab::kernels::mla {
namespace {

// Stream of the sampled check rows (shape-dependent only).
constexpr std::uint64_t kCheckRowsStream = 7;
// Shape bounds (make_mla_decode_case): far above any model (DeepSeek-V3: 128 heads, 128k context)
// and the experiments' batches, far below what overflows an int or a host.
constexpr int kMaxHeads = 1024;
constexpr int kMaxContext = 1 << 24;                                   // tokens per sequence; also the largest page
constexpr std::int64_t kMaxTokens = std::int64_t{1} << 28;             // all sequences together
constexpr std::int64_t kMaxBlockTableEntries = std::int64_t{1} << 26;  // batch x pages of the longest
constexpr std::int64_t kMaxOutputElements = std::int64_t{1} << 26;     // batch x heads x kv_lora

std::span<bf16> as_bf16(std::vector<bf16_bits>& v) { return {reinterpret_cast<bf16*>(v.data()), v.size()}; }

std::string lens_text(const std::vector<int>& lens) {
  const bool uniform = std::all_of(lens.begin(), lens.end(), [&](int x) { return x == lens.front(); });
  if (uniform) return "ctx=" + std::to_string(lens.front());
  const auto [lo, hi] = std::minmax_element(lens.begin(), lens.end());
  return "ctx=" + std::to_string(*lo) + ".." + std::to_string(*hi) +
         " total=" + std::to_string(std::accumulate(lens.begin(), lens.end(), 0LL));
}

}  // namespace

MlaDecodeCase::MlaDecodeCase(MlaDecodeShape shape) : shape_(std::move(shape)) {
  if (shape_.sm_scale == 0) shape_.sm_scale = 1.0 / std::sqrt(128.0 + 64.0);
  const int batch = static_cast<int>(shape_.context_lens.size());
  context_lens.assign(shape_.context_lens.begin(), shape_.context_lens.end());
  for (int len : shape_.context_lens) {
    const int pages = (len + shape_.page_size - 1) / shape_.page_size;
    max_pages_per_seq = std::max(max_pages_per_seq, pages);
    num_pages += pages;
  }
  block_table.assign(static_cast<std::size_t>(batch) * max_pages_per_seq, 0);
  const std::size_t rows = static_cast<std::size_t>(batch) * shape_.heads;
  out.assign(rows * shape_.kv_lora, 0.0f);
  ref.assign(out.size(), 0.0);
  // Which (sequence, head) rows the oracle computes.
  const double macs_per_key = static_cast<double>(shape_.kv_lora + shape_.rope + shape_.kv_lora);
  double macs = 0;
  for (int len : shape_.context_lens) macs += static_cast<double>(len) * shape_.heads * macs_per_key;
  if (macs <= kOracleBudgetMacs) {
    checked_rows_.assign(rows, 1);
  } else {
    checked_rows_.assign(rows, 0);
    double spent = 0;
    auto take = [&](std::size_t r) {
      if (checked_rows_[r]) return;
      checked_rows_[r] = 1;
      spent += shape_.context_lens[r / shape_.heads] * macs_per_key;
    };
    for (int h = 0; h < shape_.heads; ++h) {
      take(static_cast<std::size_t>(h));
      take(static_cast<std::size_t>(batch - 1) * shape_.heads + h);
    }
    Rng rng(derive_seed(static_cast<std::uint64_t>(rows), kCheckRowsStream));
    for (int tries = 0; spent < kOracleBudgetMacs && tries < 100000; ++tries) take(rng.below(rows));
  }
}

std::string MlaDecodeCase::shape_text() const {
  std::ostringstream os;
  os << "b=" << shape_.context_lens.size() << " " << lens_text(shape_.context_lens) << " h=" << shape_.heads
     << " latent=" << shape_.kv_lora << "+" << shape_.rope << " page=" << shape_.page_size;
  return os.str();
}

std::vector<ShapeDim> MlaDecodeCase::shape_dims() const {
  const double total = std::accumulate(shape_.context_lens.begin(), shape_.context_lens.end(), 0.0);
  return {{"batch", double(shape_.context_lens.size())},
          {"context_max", double(*std::max_element(shape_.context_lens.begin(), shape_.context_lens.end()))},
          {"context_mean", total / double(shape_.context_lens.size())},
          {"heads", shape_.heads},
          {"kv_lora", shape_.kv_lora},
          {"rope", shape_.rope},
          {"page", shape_.page_size}};
}

// Per head and key: q . k over kv_lora + rope dims and p * v over kv_lora dims, 2 flops each.
double MlaDecodeCase::flops() const {
  double keys = 0;
  for (int c : shape_.context_lens) keys += c;
  return 2.0 * shape_.heads * keys * (2.0 * shape_.kv_lora + shape_.rope);
}

// The latent row of every context token read once (bf16; all heads share it), q (bf16), out (fp32).
double MlaDecodeCase::bytes() const {
  double keys = 0;
  for (int c : shape_.context_lens) keys += c;
  // From the shape, not the buffers: q is allocated only when inputs are filled.
  const double rows = double(shape_.context_lens.size()) * shape_.heads;
  return 2.0 * keys * (shape_.kv_lora + shape_.rope) + 2.0 * rows * (shape_.kv_lora + shape_.rope) +
         4.0 * rows * shape_.kv_lora;
}

void MlaDecodeCase::fill_inputs(std::uint64_t seed) {
  const std::size_t qk = static_cast<std::size_t>(shape_.kv_lora + shape_.rope);
  q.assign(shape_.context_lens.size() * shape_.heads * qk, 0);
  kv_cache.assign(static_cast<std::size_t>(num_pages) * shape_.page_size * qk, 0);
  q_seed_ = derive_seed(seed, 0);
  kv_seed_ = derive_seed(seed, 1);
  fill_counter_bf16(as_bf16(q), kInputLo, kInputHi, q_seed_);
  fill_counter_bf16(as_bf16(kv_cache), kInputLo, kInputHi, kv_seed_);
  // Pages in a seeded random order (Fisher-Yates), handed out sequence by sequence.
  std::vector<std::int32_t> order(static_cast<std::size_t>(num_pages));
  std::iota(order.begin(), order.end(), 0);
  Rng rng(derive_seed(seed, 2));
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  std::size_t next = 0;
  std::fill(block_table.begin(), block_table.end(), 0);
  for (std::size_t b = 0; b < shape_.context_lens.size(); ++b) {
    const int pages = (shape_.context_lens[b] + shape_.page_size - 1) / shape_.page_size;
    for (int i = 0; i < pages; ++i) block_table[b * max_pages_per_seq + i] = order[next++];
  }
  generation_ = new_input_generation();
}

MlaDecodeParams MlaDecodeCase::params() {
  MlaDecodeParams p;
  p.q = q.data();
  p.kv_cache = kv_cache.data();
  p.out = out.data();
  p.block_table = block_table.data();
  p.context_lens = context_lens.data();
  p.batch = static_cast<int>(shape_.context_lens.size());
  p.heads = shape_.heads;
  p.kv_lora = shape_.kv_lora;
  p.rope = shape_.rope;
  p.page_size = shape_.page_size;
  p.max_pages_per_seq = max_pages_per_seq;
  p.max_context_len = *std::max_element(shape_.context_lens.begin(), shape_.context_lens.end());
  p.num_pages = num_pages;
  p.sm_scale = static_cast<float>(shape_.sm_scale);
  return p;
}

void MlaDecodeCase::compute_reference() { ref::mla_decode(params(), ref.data(), checked_rows_.data()); }

void MlaDecodeCase::poison_output() { std::fill(out.begin(), out.end(), std::numeric_limits<float>::quiet_NaN()); }

CheckResult MlaDecodeCase::check_output() const {
  const std::size_t row = static_cast<std::size_t>(shape_.kv_lora);
  if (std::all_of(checked_rows_.begin(), checked_rows_.end(), [](std::uint8_t c) { return c != 0; })) {
    return compare_to_reference(out, ref, kTolerance);
  }
  std::vector<float> got;
  std::vector<double> want;
  std::size_t n = 0;
  for (std::size_t r = 0; r < checked_rows_.size(); ++r) {
    if (!checked_rows_[r]) continue;
    ++n;
    got.insert(got.end(), out.begin() + r * row, out.begin() + (r + 1) * row);
    want.insert(want.end(), ref.begin() + r * row, ref.begin() + (r + 1) * row);
  }
  CheckResult result = compare_to_reference(got, want, kTolerance);
  const std::size_t non_finite = count_non_finite(std::span<const float>(out));
  if (non_finite > 0 && result.passed) {
    result.passed = false;
    result.max_rel_error = std::numeric_limits<double>::infinity();
    result.detail = std::to_string(non_finite) + " non-finite output element(s) outside the checked rows";
  }
  result.detail = "sampled " + std::to_string(n) + " of " + std::to_string(checked_rows_.size()) +
                  " (sequence, head) rows; " + result.detail;
  return result;
}

std::unique_ptr<MlaDecodeCase> make_mla_decode_case(MlaDecodeShape shape, const std::string& origin) {
  const SourceLocation where{origin, 0, 0};
  if (shape.heads <= 0) throw InputError(where, "heads", "must be positive, got " + std::to_string(shape.heads));
  if (shape.kv_lora <= 0 || shape.kv_lora % 64 != 0) {
    throw InputError(where, "kv_lora", "must be a positive multiple of 64, got " + std::to_string(shape.kv_lora));
  }
  if (shape.rope < 0 || shape.rope % 16 != 0) {
    throw InputError(where, "rope", "must be a non-negative multiple of 16, got " + std::to_string(shape.rope));
  }
  if (shape.page_size <= 0) throw InputError(where, "page", "must be positive, got " + std::to_string(shape.page_size));
  if (shape.context_lens.empty()) throw InputError(where, "batch", "must be positive, got 0");
  // Page counts, the block table and the output rows are int and allocated by the constructor:
  // bounded first, so an absurd shape is an error at its dim rather than an overflow or gigabytes.
  if (shape.heads > kMaxHeads)
    throw InputError(where, "heads",
                     "must be <= " + std::to_string(kMaxHeads) + ", got " + std::to_string(shape.heads));
  if (shape.page_size > kMaxContext)
    throw InputError(where, "page",
                     "must be <= " + std::to_string(kMaxContext) + ", got " + std::to_string(shape.page_size));
  std::int64_t tokens = 0, block_table_entries = 0;
  for (int x : shape.context_lens) {
    if (x < 1) throw InputError(where, "ctx", "must be >= 1, got " + std::to_string(x));
    if (x > kMaxContext)
      throw InputError(where, "ctx", "must be <= " + std::to_string(kMaxContext) + ", got " + std::to_string(x));
    tokens += x;
    block_table_entries = std::max<std::int64_t>(block_table_entries, (x + shape.page_size - 1) / shape.page_size);
  }
  const auto batch = static_cast<std::int64_t>(shape.context_lens.size());
  block_table_entries *= batch;
  const std::int64_t output_elements = batch * shape.heads * shape.kv_lora;
  if (tokens > kMaxTokens || block_table_entries > kMaxBlockTableEntries || output_elements > kMaxOutputElements) {
    throw InputError(where, "batch",
                     "batch " + std::to_string(batch) + " x ctx is too large: " + std::to_string(tokens) +
                         " tokens (at most " + std::to_string(kMaxTokens) + "), " +
                         std::to_string(block_table_entries) + " block-table entries (at most " +
                         std::to_string(kMaxBlockTableEntries) + "), " + std::to_string(output_elements) +
                         " output elements (at most " + std::to_string(kMaxOutputElements) + ")");
  }
  return std::make_unique<MlaDecodeCase>(std::move(shape));
}

}  // namespace moelab::kernels::mla
