// mla.decode presets: the MLA head counts of DeepSeek-V3 and Kimi K2 (data/models/*.toml: n_heads,
// kv_lora_rank 512, qk_rope_head_dim 64 in both), FlashMLA's page size 64, and the decode point
// FlashMLA's README benchmarks around (batch 64 at 4k context is a representative decode step).
#include <array>

#include "kernels/mla/cases.hpp"
#include "kernels/router/detail/dims.hpp"

namespace moelab::kernels::mla {
namespace {

struct ModelMla {
  const char* name;
  int heads;
  int kv_lora;
  int rope;
};
constexpr std::array<ModelMla, 2> kModels{{
    {"deepseek-v3", 128, 512, 64},  // DeepSeek-V3 config_671B.json
    {"kimi-k2", 64, 512, 64},       // Kimi-K2 config (64 attention heads)
}};

constexpr int kBatch = 64, kContext = 4096, kPage = 64;

// lengths ctx .. 1 spread linearly over the batch (vary = 1), as attention's presets do.
std::vector<int> spread(int batch, int max_len) {
  std::vector<int> out(static_cast<std::size_t>(batch), max_len);
  for (int i = 1; i < batch; ++i)
    out[i] = max_len - static_cast<int>((static_cast<std::int64_t>(i) * (max_len - 1)) / (batch - 1));
  return out;
}

}  // namespace

std::vector<std::string> preset_names() {
  std::vector<std::string> out;
  for (const auto& m : kModels) out.emplace_back(m.name);
  return out;
}

std::unique_ptr<OpCase> make_case_from_args(const ShapeArgs& args) {
  const std::size_t index = moe_detail::preset_index(args, preset_names());
  const ModelMla& m = kModels[index];
  const moe_detail::Dims d(
      args, {{"batch", kBatch}, {"ctx", kContext}, {"page", kPage}, {"heads", m.heads}, {"vary", 0}}, kMlaDecodeOp);
  MlaDecodeShape s;
  s.heads = d.get("heads");
  s.kv_lora = m.kv_lora;
  s.rope = m.rope;
  s.page_size = d.get("page");
  const int batch = d.at_least("batch", 1);
  const int ctx = d.at_least("ctx", 1);
  s.context_lens = d.flag("vary") ? spread(batch, ctx) : std::vector<int>(static_cast<std::size_t>(batch), ctx);
  return make_mla_decode_case(std::move(s), d.origin());
}

}  // namespace moelab::kernels::mla
