#include "kernels/attention/presets.hpp"

#include <array>
#include <climits>
#include <map>

#include "base/input_error.hpp"

namespace moelab::kernels::attention {
namespace {

// Head shapes from data sources listed in /shared/facts/models.md (config.json of each model).
struct ModelHeads {
  const char* name;
  HeadShape h;
};
constexpr std::array<ModelHeads, 3> kModels{{
    {"llama-3.1-8b", {32, 8, 128}},  // meta-llama/llama-models models/llama3_1
    {"qwen3-8b", {32, 8, 128}},      // Qwen3-8B config.json
    {"gpt-oss-120b", {64, 8, 64}},   // openai/gpt-oss README (head_dim 64)
}};

// Default lengths per op (the points the performance targets name).
constexpr int kPrefillSeq = 4096;
constexpr int kDecodeBatch = 64;
constexpr int kDecodeCtx = 4096;
constexpr int kPageSize = 16;
constexpr int kCascadePrefix = 4096;
constexpr int kCascadeSuffix = 256;

std::vector<std::string> model_names() {
  std::vector<std::string> out;
  for (const auto& m : kModels) out.emplace_back(m.name);
  return out;
}

// Resolved dims: preset values overridden by explicit ones; every key must be known.
class Dims {
 public:
  Dims(const ShapeArgs& args, std::map<std::string, std::int64_t> base, const char* op)
      : origin_(args.origin), values_(std::move(base)) {
    for (const auto& [key, value] : args.dims) {
      if (!values_.count(key)) {
        std::string known;
        for (const auto& kv : values_) known += (known.empty() ? "" : ", ") + kv.first;
        throw InputError({origin_, 0, 0}, key, std::string("unknown dim for ") + op + " (known: " + known + ")");
      }
      if (value < INT_MIN || value > INT_MAX) throw InputError({origin_, 0, 0}, key, "value out of range");
      values_[key] = value;
    }
  }
  int get(const std::string& key) const { return static_cast<int>(values_.at(key)); }
  int positive(const std::string& key) const {
    const int v = get(key);
    if (v <= 0) throw InputError({origin_, 0, 0}, key, "must be positive, got " + std::to_string(v));
    return v;
  }
  // The batch is a vector of per-sequence lengths: bounded before it exists.
  int batch() const {
    const int v = positive("batch");
    if (v > kMaxBatch)
      throw InputError({origin_, 0, 0}, "batch",
                       "must be <= " + std::to_string(kMaxBatch) + ", got " + std::to_string(v));
    return v;
  }
  static constexpr int kMaxBatch = 1 << 20;
  bool flag(const std::string& key) const {
    const int v = get(key);
    if (v != 0 && v != 1) throw InputError({origin_, 0, 0}, key, "must be 0 or 1, got " + std::to_string(v));
    return v == 1;
  }
  const std::string& origin() const { return origin_; }

 private:
  std::string origin_;
  std::map<std::string, std::int64_t> values_;
};

HeadShape model_heads(const ShapeArgs& args) {
  if (args.preset.empty()) return kModels[0].h;
  for (const auto& m : kModels) {
    if (args.preset == m.name) return m.h;
  }
  std::string known;
  for (const auto& m : kModels) known += (known.empty() ? "" : ", ") + std::string(m.name);
  throw InputError({args.origin, 0, 0}, "shape", "unknown preset '" + args.preset + "' (known: " + known + ")");
}

std::map<std::string, std::int64_t> head_dims(const HeadShape& h) {
  return {{"heads", h.heads}, {"kv_heads", h.kv_heads}, {"head_dim", h.head_dim}};
}

HeadShape read_heads(const Dims& d) {
  // Sign and divisibility are checked by make_*_case (InputError with the dim's name).
  return HeadShape{d.get("heads"), d.get("kv_heads"), d.get("head_dim")};
}

}  // namespace

std::vector<int> spread_lengths(int batch, int max_len, int min_len) {
  std::vector<int> out(static_cast<std::size_t>(batch), max_len);
  if (batch <= 1) return out;
  for (int i = 0; i < batch; ++i) {
    out[i] = max_len - static_cast<int>((static_cast<std::int64_t>(i) * (max_len - min_len)) / (batch - 1));
  }
  return out;
}

std::vector<std::string> prefill_preset_names() { return model_names(); }
std::vector<std::string> paged_decode_preset_names() { return model_names(); }
std::vector<std::string> cascade_decode_preset_names() { return model_names(); }

std::unique_ptr<OpCase> make_prefill_case_from_args(const ShapeArgs& args) {
  auto base = head_dims(model_heads(args));
  base.insert({{"batch", 1}, {"seq", kPrefillSeq}, {"vary", 0}, {"causal", 1}});
  const Dims d(args, base, kPrefillOp);
  PrefillShape s;
  s.h = read_heads(d);
  s.causal = d.flag("causal");
  const int batch = d.batch();
  const int seq = d.positive("seq");
  s.seq_lens = d.flag("vary") ? spread_lengths(batch, seq, 1) : std::vector<int>(batch, seq);
  return make_prefill_case(std::move(s), d.origin());
}

std::unique_ptr<OpCase> make_paged_decode_case_from_args(const ShapeArgs& args) {
  auto base = head_dims(model_heads(args));
  base.insert({{"batch", kDecodeBatch}, {"ctx", kDecodeCtx}, {"page", kPageSize}, {"vary", 0}});
  const Dims d(args, base, kPagedDecodeOp);
  PagedDecodeShape s;
  s.h = read_heads(d);
  s.page_size = d.positive("page");
  const int batch = d.batch();
  const int ctx = d.positive("ctx");
  s.context_lens = d.flag("vary") ? spread_lengths(batch, ctx, 1) : std::vector<int>(batch, ctx);
  return make_paged_decode_case(std::move(s), d.origin());
}

std::unique_ptr<OpCase> make_cascade_decode_case_from_args(const ShapeArgs& args) {
  auto base = head_dims(model_heads(args));
  base.insert({{"batch", kDecodeBatch}, {"prefix", kCascadePrefix}, {"suffix", kCascadeSuffix}, {"vary", 0}});
  const Dims d(args, base, kCascadeDecodeOp);
  CascadeDecodeShape s;
  s.h = read_heads(d);
  const int batch = d.batch();
  s.prefix_len = d.get("prefix");
  const int suffix = d.get("suffix");
  if (suffix < 0) throw InputError({d.origin(), 0, 0}, "suffix", "must be >= 0, got " + std::to_string(suffix));
  s.suffix_lens = d.flag("vary") ? spread_lengths(batch, suffix, 0) : std::vector<int>(batch, suffix);
  return make_cascade_decode_case(std::move(s), d.origin());
}

}  // namespace moelab::kernels::attention
