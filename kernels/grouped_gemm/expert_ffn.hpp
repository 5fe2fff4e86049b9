#pragma once
// The expert FFN shapes of the MoE models both grouped-GEMM ops have presets for.
// /work/shared/facts/models.md (DeepSeek-V3 config_671B.json, Kimi-K2 README, InferSim Qwen3
// config, transformers' Mixtral config).
#include <array>

namespace moelab::kernels::grouped_gemm {

struct ExpertFfn {
  const char* model;
  int experts;
  int topk;
  int hidden;
  int width;  // per-expert intermediate size
};

inline constexpr std::array<ExpertFfn, 4> kExpertFfns{{
    {"deepseek-v3", 256, 8, 7168, 2048},
    {"kimi-k2", 384, 8, 7168, 2048},
    {"qwen3-30b-a3b", 128, 8, 2048, 768},
    {"mixtral-8x7b", 8, 2, 4096, 14336},
}};

}  // namespace moelab::kernels::grouped_gemm
