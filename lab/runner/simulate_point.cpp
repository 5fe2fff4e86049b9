#include "lab/runner/simulate_point.hpp"

#include <fmt/format.h>

#include <chrono>

#include "lab/runner/result_tables.hpp"

namespace moelab::lab {

PointResult simulate_point(const PlannedRun& run, const sim::ProgressFn& progress) {
  const auto start = std::chrono::steady_clock::now();
  sim::RunResult result = sim::simulate(run.config, progress);
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  PointResult p;
  p.index = run.index;
  p.label = run.label;
  for (const auto& r : result.requests) {
    if (r.unservable == sim::UnservableReason::none) continue;
    if (p.unservable_requests++ == 0) {
      p.first_unservable_id = r.id;
      p.first_unservable_reason = std::string(sim::unservable_reason_name(r.unservable));
    }
  }
  p.requests = requests_table(result.requests);
  p.timeseries = timeseries_table(result.timeseries);
  if (!result.kv_transfers.empty()) p.kv_transfers = kv_transfers_table(result.kv_transfers);
  std::string invariants = "ok";
  if (!result.invariant_violations.empty()) {
    invariants = fmt::format("{}", fmt::join(result.invariant_violations, "\n"));
    p.invariant_violations = result.invariant_violations;
  }
  const double rps = wall_s > 0 ? static_cast<double>(result.requests.size()) / wall_s : 0.0;
  const double eps = wall_s > 0 ? static_cast<double>(result.events) / wall_s : 0.0;
  p.attrs = {
      {"label", run.label},
      {"seed", static_cast<std::int64_t>(run.config.seed)},
      {"model", run.config.model.id},
      {"hardware", run.config.hardware.id},
      {"engine", run.config.engine.id},
      {"config_toml", run.config_toml},
      {"wall_s", wall_s},
      {"events", result.events},
      {"iterations", result.iterations},
      {"simulated_s", result.simulated_s},
      {"requests_per_wall_s", rps},
      {"events_per_wall_s", eps},
      {"invariants", invariants},
  };
  for (const auto& m : result.summary) p.summary.emplace_back(std::string(m.name()), m.value);
  return p;
}

void write_point(h5::Writer& writer, const PointResult& point) {
  const std::string group = fmt::format("/runs/{:04d}", point.index);
  writer.write_table(group + "/requests", point.requests);
  writer.write_table(group + "/timeseries", point.timeseries);
  if (!point.kv_transfers.columns().empty()) writer.write_table(group + "/kv_transfers", point.kv_transfers);
  for (const auto& [name, value] : point.attrs) writer.set_attr(group, name, value);
}

}  // namespace moelab::lab
