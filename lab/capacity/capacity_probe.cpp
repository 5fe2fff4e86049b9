#include "lab/capacity/capacity_probe.hpp"

#include <fmt/format.h>

#include <cmath>

#include "simulator/economics/prefill_split.hpp"
#include "simulator/model/step_cost.hpp"
#include "simulator/simulate.hpp"

namespace moelab::lab {

bool meets_slo(const sim::WindowMetrics& w, const CapacitySlo& slo) {
  if (w.requests == 0 || w.finished != w.requests) return false;
  if (slo.ttft_s > 0 && !(w.ttft_s <= slo.ttft_s)) return false;
  if (slo.tpot_s > 0 && w.tpot_samples > 0 && !(w.tpot_s <= slo.tpot_s)) return false;
  return true;
}

ProbeRecord run_probe(const ExperimentSource& source, const CapacityPlan& plan, const CapacityPoint& point,
                      double value) {
  const sim::SimConfig config = probe_config(source, plan, point, value);
  const sim::RunResult result = sim::simulate(config);
  ProbeRecord p;
  p.value = value;
  p.replicas = config.cluster.replicas;
  p.requests_per_s = plan.search.kind == SearchKind::rate ? value : point.configured_rate_per_s;
  p.invariant_violations = result.invariant_violations;
  const sim::SteadyWindow window = sim::steady_window(result.requests, plan.search.window);
  p.window = sim::measure_window(result.requests, window, plan.search.slo.percentile);
  if (p.window.requests < plan.search.min_window_requests) {
    throw InputError(
        {source.file(), 0, 0}, "capacity.min_window_requests",
        fmt::format("at {} = {} the steady-state window holds {} requests, fewer than {}; run more requests "
                    "(workload.num_requests, stop.max_requests or stop.max_duration_s)",
                    plan.search.kind == SearchKind::rate ? "rate" : "replicas", value, p.window.requests,
                    plan.search.min_window_requests));
  }
  p.meets_slo = meets_slo(p.window, plan.search.slo);
  for (const auto& m : result.summary) {
    if (m.name() == "kv_utilization_max") p.kv_utilization_max = m.value;
    if (m.name() == "preemptions") p.preemptions = static_cast<std::int64_t>(m.value);
  }
  const double busy_s = result.prefill_busy_s + result.decode_busy_s;
  const double replica_s = static_cast<double>(p.replicas) * result.simulated_s;
  p.busy_fraction = replica_s > 0 ? std::min(1.0, busy_s / replica_s) : 0.0;
  p.prefill_share = busy_s > 0 ? result.prefill_busy_s / busy_s : 0.0;
  const sim::StepCostModel cost(config.model, config.hardware, config.engine, config.cluster.parallel);
  p.cached_share_of_prefill = sim::cached_share_of_prefill_work(result.requests, window, cost);
  p.tensor_parallel = config.cluster.parallel.attention_tp;
  p.gpus_per_replica = config.cluster.parallel.gpus();
  p.gpus = static_cast<double>(p.replicas * p.gpus_per_replica);
  return p;
}

PricedProbe price_probe(const ProbeRecord& p, const sim::CostModel& cost) {
  PricedProbe out;
  out.gpu_hour = cost.per_gpu_hour(p.busy_fraction);
  out.tokens = sim::price_tokens(p.window, out.gpu_hour, {p.gpus, p.prefill_share, p.cached_share_of_prefill});
  return out;
}

}  // namespace moelab::lab
