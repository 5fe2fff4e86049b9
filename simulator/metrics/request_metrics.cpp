#include "simulator/metrics/request_metrics.hpp"

#include <limits>

namespace moelab::sim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

constexpr RequestMetric kRequestMetrics[] = {
    {{"ttft_s", "s", MetricType::real,
      "time to first token: first_token_s - arrival_s; NaN when no token was produced"},
     ttft_s},
    {{"tpot_s", "s", MetricType::real,
      "time per output token: (finish_s - first_token_s) / (output_tokens - 1); NaN unless finished with > 1 output "
      "token"},
     tpot_s},
    {{"e2e_s", "s", MetricType::real, "end-to-end latency: finish_s - arrival_s; NaN when unfinished"}, e2e_s},
};

}  // namespace

double ttft_s(const RequestRecord& r) { return r.first_token_s >= 0 ? r.first_token_s - r.arrival_s : kNaN; }

double tpot_s(const RequestRecord& r) {
  const bool finished = r.finish_s >= 0, has_first = r.first_token_s >= 0;
  return finished && has_first && r.output_tokens > 1 ? (r.finish_s - r.first_token_s) / (r.output_tokens - 1) : kNaN;
}

double e2e_s(const RequestRecord& r) { return r.finish_s >= 0 ? r.finish_s - r.arrival_s : kNaN; }

std::span<const RequestMetric> request_metrics() { return kRequestMetrics; }

}  // namespace moelab::sim
