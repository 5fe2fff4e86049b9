#include "lab/runner/simulation_runner.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <optional>

#include "lab/h5/writer.hpp"
#include "lab/progress/progress.hpp"
#include "lab/runner/result_tables.hpp"
#include "lab/runner/summary_printer.hpp"
#include "simulator/simulate.hpp"

namespace moelab::lab {

int run_simulation(const SimulationPlan& plan, const ExperimentContext& context) {
  // Opened before the first run, so an unusable output path is reported before hours of work.
  std::optional<h5::Writer> opened;
  try {
    opened.emplace(context.output_path);
  } catch (const std::exception& e) {
    throw InputError({context.output_path.string(), 0, 0}, "", std::string("cannot create the result file: ") + e.what());
  }
  h5::Writer& writer = *opened;
  writer.write_provenance({"simulation", plan.config_toml, context.source.file(), context.command_line});
  writer.set_attr("/", "experiment_name", plan.header.name);
  writer.set_attr("/", "experiment_description", plan.header.description);

  Progress progress(context.show_progress);
  std::vector<std::vector<sim::Metric>> metrics;
  std::vector<PrintedRun> printed;
  std::size_t violated_runs = 0;
  for (const auto& run : plan.runs) {
    progress.begin(run.index, plan.runs.size(), run.label);
    const auto start = std::chrono::steady_clock::now();
    sim::RunResult result = sim::simulate(run.config, [&](double f) { progress.update(f); });
    const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress.note(fmt::format("writing {} requests", result.requests.size()));

    const std::string group = fmt::format("/runs/{:04d}", run.index);
    writer.write_table(group + "/requests", requests_table(result.requests));
    writer.write_table(group + "/timeseries", timeseries_table(result.timeseries));
    if (!result.kv_transfers.empty()) writer.write_table(group + "/kv_transfers", kv_transfers_table(result.kv_transfers));
    writer.set_attr(group, "label", run.label);
    writer.set_attr(group, "seed", static_cast<std::int64_t>(run.config.seed));
    writer.set_attr(group, "model", run.config.model.id);
    writer.set_attr(group, "hardware", run.config.hardware.id);
    writer.set_attr(group, "engine", run.config.engine.id);
    writer.set_attr(group, "config_toml", run.config_toml);
    writer.set_attr(group, "wall_s", wall_s);
    writer.set_attr(group, "events", result.events);
    writer.set_attr(group, "iterations", result.iterations);
    writer.set_attr(group, "simulated_s", result.simulated_s);
    const double rps = wall_s > 0 ? static_cast<double>(result.requests.size()) / wall_s : 0.0;
    const double eps = wall_s > 0 ? static_cast<double>(result.events) / wall_s : 0.0;
    writer.set_attr(group, "requests_per_wall_s", rps);
    writer.set_attr(group, "events_per_wall_s", eps);
    std::string invariants = "ok";
    if (!result.invariant_violations.empty()) {
      ++violated_runs;
      invariants.clear();
      for (const auto& v : result.invariant_violations) {
        std::fprintf(stderr, "moelab: warning: run %04zu (%s): invariant violated: %s\n", run.index,
                     run.label.empty() ? "-" : run.label.c_str(), v.c_str());
        invariants += v + "\n";
      }
      invariants.pop_back();
    }
    writer.set_attr(group, "invariants", invariants);

    progress.finish();
    metrics.push_back(result.summary);
    printed.push_back({run.label, std::move(result.summary)});
  }
  writer.write_table("/summary", summary_table(plan, metrics));
  writer.commit();

  std::fputs(format_summary(printed).c_str(), stdout);
  std::printf("wrote %s\n", context.output_path.string().c_str());
  std::fflush(stdout);
  if (violated_runs > 0) {
    std::fprintf(stderr, "moelab: error: %zu run(s) violated simulator invariants (a bug); results kept in %s\n",
                 violated_runs, context.output_path.string().c_str());
    return 1;
  }
  return 0;
}

}  // namespace moelab::lab
