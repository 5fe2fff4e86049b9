#include "simulator/economics/token_cost.hpp"

#include <limits>

namespace moelab::sim {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
double per_million(double usd, double tokens) { return tokens > 0 ? usd / (tokens / 1e6) : kNaN; }
}  // namespace

TokenCost price_tokens(const WindowMetrics& w, const GpuHourCost& per_gpu_hour, const TokenCostInputs& in) {
  TokenCost c;
  c.usd_per_hour = in.gpus * per_gpu_hour.total_usd_per_gpu_hour();
  const double usd = c.usd_per_hour * w.window.length_s() / 3600.0;
  const double prefill_usd = usd * in.prefill_share;
  c.usd_per_m_input_uncached = per_million(prefill_usd * (1 - in.cached_share_of_prefill), w.uncached_prompt_tokens());
  c.usd_per_m_input_cached = per_million(prefill_usd * in.cached_share_of_prefill, w.cached_prompt_tokens);
  c.usd_per_m_output = per_million(usd - prefill_usd, w.output_tokens);
  c.usd_per_m_tokens = per_million(usd, w.tokens());
  for (const auto& component : per_gpu_hour.components) {
    const double component_usd = in.gpus * component.usd_per_gpu_hour * w.window.length_s() / 3600.0;
    c.usd_per_m_tokens_by_component.emplace_back(component.name, per_million(component_usd, w.tokens()));
  }
  return c;
}

}  // namespace moelab::sim
