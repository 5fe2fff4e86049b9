// The overlap policies (overlap.hpp). Adding one: a file overlap_<name>.cpp defining
// `std::unique_ptr<OverlapPolicy> make_overlap_<name>()`, plus its declaration and table line here.
#include "simulator/model/overlap.hpp"

namespace moelab::sim {

OverlapFactory make_overlap_none;             // overlap_none.cpp
OverlapFactory make_overlap_two_micro_batch;  // overlap_two_micro_batch.cpp

const NamedRegistry<OverlapFactory>& overlap_registry() {
  static const NamedRegistry<OverlapFactory> registry(
      "engine.overlap", "overlap policy",
      {
          {"none", "computation and communication in sequence", make_overlap_none},
          {"two_micro_batch", "two half batches, one's communication behind the other's computation (DeepSeek, SGLang)",
           make_overlap_two_micro_batch},
      });
  return registry;
}

std::unique_ptr<OverlapPolicy> make_overlap(std::string_view name) { return overlap_registry().lookup(name).make(); }

namespace {
std::int64_t first_half(std::int64_t n) { return n - n / 2; }
}  // namespace

void split_in_two(const StepShape& whole, StepShape& a, StepShape& b) {
  a = StepShape{};
  a.decode_seqs = first_half(whole.decode_seqs);
  if (whole.decode_seqs > 0) a.decode_context_tokens = whole.decode_context_tokens * a.decode_seqs / whole.decode_seqs;
  a.prefill_seqs = first_half(whole.prefill_seqs);
  a.prefill_tokens = first_half(whole.prefill_tokens);
  if (whole.prefill_tokens > 0) {
    const double share = static_cast<double>(a.prefill_tokens) / static_cast<double>(whole.prefill_tokens);
    a.prefill_context_tokens = whole.prefill_context_tokens * a.prefill_tokens / whole.prefill_tokens;
    a.prefill_attention_pairs = whole.prefill_attention_pairs * share;
  }
  b.decode_seqs = whole.decode_seqs - a.decode_seqs;
  b.decode_context_tokens = whole.decode_context_tokens - a.decode_context_tokens;
  b.prefill_seqs = whole.prefill_seqs - a.prefill_seqs;
  b.prefill_tokens = whole.prefill_tokens - a.prefill_tokens;
  b.prefill_context_tokens = whole.prefill_context_tokens - a.prefill_context_tokens;
  b.prefill_attention_pairs = whole.prefill_attention_pairs - a.prefill_attention_pairs;
}

}  // namespace moelab::sim
