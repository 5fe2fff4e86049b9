#pragma once
// Dollars per million tokens over a steady-state window: the cluster's GPU-hour cost for the
// window's length, divided among the tokens of the requests that arrived in it. GPU time is split
// between prefill and decode as the simulator attributes iteration time (simulator/engine/
// README.md, "$/token"), and prefill between cached and uncached prompt tokens by their share of
// the prefill work (prefill_split.hpp). Idle time is paid for: at low load a GPU costs the same.
#include <string>
#include <vector>

#include "simulator/economics/cost_model.hpp"
#include "simulator/economics/steady_window.hpp"

namespace moelab::sim {

struct TokenCostInputs {
  double gpus = 1;           // replicas x GPUs per replica
  double prefill_share = 0;  // of busy GPU time (RunResult prefill / (prefill + decode))
  double cached_share_of_prefill = 0;
};

struct TokenCost {
  double usd_per_hour = 0;              // whole cluster
  double usd_per_m_input_uncached = 0;  // NaN when the window has no such token
  double usd_per_m_input_cached = 0;
  double usd_per_m_output = 0;
  double usd_per_m_tokens = 0;  // all prompt + output tokens: what a blended price is
  std::vector<std::pair<std::string, double>> usd_per_m_tokens_by_component;  // same order as the model's
};

TokenCost price_tokens(const WindowMetrics& window, const GpuHourCost& per_gpu_hour, const TokenCostInputs& in);

}  // namespace moelab::sim
