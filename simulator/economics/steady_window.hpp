#pragma once
// Metrics over a run's steady state: requests that arrived inside a window of the arrival span,
// with the warm-up (the system filling from empty) and the drain (arrivals stopped, load falling
// while the last requests finish) trimmed. The window is recorded with every measurement.
#include <cstdint>
#include <vector>

#include "simulator/run_result.hpp"

namespace moelab::sim {

struct WindowSpec {
  double warmup_fraction = 0.1;  // of the arrival span, trimmed at the start
  double drain_fraction = 0.1;   // of the arrival span, trimmed at the end
};

struct SteadyWindow {
  double start_s = 0;  // arrival times in [start_s, end_s] are measured
  double end_s = 0;
  double length_s() const { return end_s - start_s; }
};

// [first + w x span, last - d x span] over the arrival times (span = last - first arrival).
SteadyWindow steady_window(const std::vector<RequestRecord>& records, const WindowSpec& spec);

struct WindowMetrics {
  SteadyWindow window;
  std::int64_t requests = 0;  // arrived in the window
  std::int64_t finished = 0;  // of those
  // Latency percentiles over the window's finished requests (TPOT: those with > 1 output token);
  // NaN when there is no value. `percentile` is the one asked for, p50/p90/p99 always.
  double percentile = 99;
  double ttft_s = 0, tpot_s = 0;
  double ttft_p50_s = 0, ttft_p90_s = 0, ttft_p99_s = 0;
  double tpot_p50_s = 0, tpot_p90_s = 0, tpot_p99_s = 0;
  std::int64_t tpot_samples = 0;
  // Tokens of the window's requests (all of them: they all finish once the run drains).
  double prompt_tokens = 0;
  double cached_prompt_tokens = 0;  // served from the prefix cache (RequestRecord::cached_tokens)
  double output_tokens = 0;

  double uncached_prompt_tokens() const { return prompt_tokens - cached_prompt_tokens; }
  double tokens() const { return prompt_tokens + output_tokens; }
  double requests_per_s() const;  // arrivals per second of window
  double tokens_per_s() const;    // prompt + output tokens per second of window
};

// `percentile` in (0, 100].
WindowMetrics measure_window(const std::vector<RequestRecord>& records, const SteadyWindow& window, double percentile);

}  // namespace moelab::sim
