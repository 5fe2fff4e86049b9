#include "simulator/metrics/kv_transfer_metrics.hpp"

#include <array>

namespace moelab::sim::kv_transfer_metrics {

const MetricDefinition transfers{"kv_transfers", "", MetricType::count, "prefill->decode KV transfers completed"};
const MetricDefinition transfer_bytes{
    "kv_transfer_bytes", "bytes", MetricType::real,
    "KV bytes sent from prefill to decode instances (KV bytes/token x prompt tokens)"};
const MetricDefinition transfer_mean_s{
    "kv_transfer_mean_s", "s", MetricType::real,
    "mean time from prefill done to KV on the decode instance (NIC queueing included)"};
const MetricDefinition transfer_p50_s{"kv_transfer_p50_s", "s", MetricType::real, "median of kv_transfer_s"};
const MetricDefinition transfer_p99_s{"kv_transfer_p99_s", "s", MetricType::real, "99th percentile of kv_transfer_s"};
const MetricDefinition transfer_wait_p99_s{"kv_transfer_wait_p99_s", "s", MetricType::real,
                                           "99th percentile of the time a transfer waited for busy NICs"};

std::span<const MetricDefinition* const> all() {
  static const std::array<const MetricDefinition*, 6> list = {&transfers,      &transfer_bytes, &transfer_mean_s,
                                                              &transfer_p50_s, &transfer_p99_s, &transfer_wait_p99_s};
  return list;
}

}  // namespace moelab::sim::kv_transfer_metrics
