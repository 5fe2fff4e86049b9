#include "simulator/metrics/timeseries_metrics.hpp"

namespace moelab::sim {
namespace {

using M = MetricType;

constexpr TimeseriesMetric kTimeseriesMetrics[] = {
    {{"step_s", "s", M::real, "GPU time of the sampled iteration (the cost model's; CPU overhead not included)"},
     [](const TimePoint& p) { return p.step_s; }},
    {{"attention_s", "s", M::real, "core attention over the KV cache (slowest DP rank; summed over micro-batches)"},
     [](const TimePoint& p) { return p.attention_s; }},
    {{"dense_gemm_s", "s", M::real, "projections, dense FFN layers, router, shared experts (EP > 1), LM head"},
     [](const TimePoint& p) { return p.dense_gemm_s; }},
    {{"expert_gemm_s", "s", M::real, "routed-expert GEMMs (the busiest EP rank's with expert parallelism)"},
     [](const TimePoint& p) { return p.expert_gemm_s; }},
    {{"dispatch_s", "s", M::real, "MoE all-to-all sending tokens to their experts, all MoE layers"},
     [](const TimePoint& p) { return p.dispatch_s; }},
    {{"combine_s", "s", M::real, "MoE all-to-all returning expert outputs, all MoE layers"},
     [](const TimePoint& p) { return p.combine_s; }},
    {{"allreduce_s", "s", M::real, "tensor-parallel all-reduces, all-gathers, reduce-scatters and stage hand-offs"},
     [](const TimePoint& p) { return p.allreduce_s; }},
    {{"exposed_comm_s", "s", M::real, "step_s - computation: the communication no computation hid"},
     [](const TimePoint& p) { return p.exposed_comm_s; }},
    {{"expert_imbalance", "", M::real, "busiest EP rank's routed load / the mean (1 without expert parallelism)"},
     [](const TimePoint& p) { return p.expert_imbalance; }},
};

}  // namespace

std::span<const TimeseriesMetric> timeseries_metrics() { return kTimeseriesMetrics; }

}  // namespace moelab::sim
