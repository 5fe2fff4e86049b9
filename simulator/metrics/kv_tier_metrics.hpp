#pragma once
// Summary metrics only runs with a tiered KV store report ([cluster.kv_tiers]; both cluster kinds
// append them after their other metrics); find_summary_metric() knows them too.
#include <cstdint>
#include <span>
#include <vector>

#include "simulator/engine/kv_tier_store.hpp"
#include "simulator/metrics/metric.hpp"

namespace moelab::sim::kv_tier_metrics {

// All of them, in the order a run reports them.
std::span<const MetricDefinition* const> all();

// Appends every metric of all() to `out`. `lookup_tokens` and `hit_tokens`: the prefix caches'
// totals over the ranks the store serves (hit_tokens includes the tiers' hits).
void append(const KvTierStore& store, std::int64_t lookup_tokens, std::int64_t hit_tokens, double load_s,
            std::vector<Metric>& out);

}  // namespace moelab::sim::kv_tier_metrics
