#include "kernels/router/presets.hpp"

namespace moelab::kernels::router {

const std::vector<RouterModel>& router_models() {
  static const std::vector<RouterModel> models = {
      {"deepseek-v3", 256, 8, true, true, 8, 4, 2.5, 7168},
      {"kimi-k2", 384, 8, true, true, 1, 1, 2.827, 7168},
      {"qwen3-30b-a3b", 128, 8, false, true, 1, 1, 1.0, 2048},
      {"qwen3-235b-a22b", 128, 8, false, true, 1, 1, 1.0, 4096},
      {"mixtral-8x7b", 8, 2, false, true, 1, 1, 1.0, 4096},
      {"gpt-oss-120b", 128, 4, false, true, 1, 1, 1.0, 2880},
  };
  return models;
}

std::vector<std::string> router_model_names() {
  std::vector<std::string> names;
  for (const auto& m : router_models()) names.push_back(m.name);
  return names;
}

}  // namespace moelab::kernels::router
