#pragma once
// Latencies of one request. The run summary (summary.cpp) aggregates exactly these functions, and
// lab/ writes them as the derived columns of /runs/NNNN/requests.
#include <span>

#include "simulator/metrics/metric.hpp"
#include "simulator/run_result.hpp"

namespace moelab::sim {

// Time to first token: first_token_s - arrival_s; NaN when no token was produced.
double ttft_s(const RequestRecord& r);
// Time per output token after the first: (finish_s - first_token_s) / (output_tokens - 1); NaN
// unless the request finished with more than one output token.
double tpot_s(const RequestRecord& r);
// End-to-end latency: finish_s - arrival_s; NaN when the request did not finish.
double e2e_s(const RequestRecord& r);

struct RequestMetric {
  MetricDefinition definition;
  double (*of)(const RequestRecord&);
};

// ttft_s, tpot_s, e2e_s, in the order of the requests table's derived columns.
std::span<const RequestMetric> request_metrics();

}  // namespace moelab::sim
