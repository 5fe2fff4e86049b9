#include "simulator/economics/steady_window.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "simulator/metrics/percentile.hpp"
#include "simulator/metrics/request_metrics.hpp"

namespace moelab::sim {

SteadyWindow steady_window(const std::vector<RequestRecord>& records, const WindowSpec& spec) {
  if (records.empty()) return {};
  double first = std::numeric_limits<double>::infinity(), last = -first;
  for (const auto& r : records) {
    first = std::min(first, r.arrival_s);
    last = std::max(last, r.arrival_s);
  }
  const double span = last - first;
  return {first + spec.warmup_fraction * span, last - spec.drain_fraction * span};
}

double WindowMetrics::requests_per_s() const {
  return window.length_s() > 0 ? static_cast<double>(requests) / window.length_s() : 0.0;
}

double WindowMetrics::tokens_per_s() const { return window.length_s() > 0 ? tokens() / window.length_s() : 0.0; }

WindowMetrics measure_window(const std::vector<RequestRecord>& records, const SteadyWindow& window, double percentile) {
  WindowMetrics m;
  m.window = window;
  m.percentile = percentile;
  std::vector<double> ttft, tpot;
  for (const auto& r : records) {
    if (r.arrival_s < window.start_s || r.arrival_s > window.end_s) continue;
    ++m.requests;
    m.prompt_tokens += r.prompt_tokens;
    m.cached_prompt_tokens += r.cached_tokens;
    m.output_tokens += r.output_tokens;
    if (r.finish_s < 0) continue;
    ++m.finished;
    ttft.push_back(ttft_s(r));
    const double t = tpot_s(r);
    if (!std::isnan(t)) tpot.push_back(t);
  }
  m.tpot_samples = static_cast<std::int64_t>(tpot.size());
  const double q = percentile / 100.0;
  m.ttft_s = percentile_linear_select(ttft, q);
  m.ttft_p50_s = percentile_linear_select(ttft, 0.50);
  m.ttft_p90_s = percentile_linear_select(ttft, 0.90);
  m.ttft_p99_s = percentile_linear_select(ttft, 0.99);
  m.tpot_s = percentile_linear_select(tpot, q);
  m.tpot_p50_s = percentile_linear_select(tpot, 0.50);
  m.tpot_p90_s = percentile_linear_select(tpot, 0.90);
  m.tpot_p99_s = percentile_linear_select(tpot, 0.99);
  return m;
}

}  // namespace moelab::sim
