#include "lab/runner/run_experiment.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cstdio>

#include "lab/ab/ab_experiment.hpp"  // kind = "kernel-ab": moelab::ab::run_kernel_ab_experiment
#include "lab/capacity/capacity_experiment.hpp"  // kind = "capacity": run_capacity_experiment
#include "lab/experiment/simulation_plan.hpp"
#include "lab/runner/simulation_runner.hpp"

namespace moelab::lab {
namespace {

// The file stem, with anything unfit for a file name replaced by '_'.
std::string default_name(const std::filesystem::path& config_path) {
  std::string stem = config_path.stem().string();
  for (char& c : stem) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) c = '_';
  }
  return stem.empty() ? std::string("experiment") : stem;
}

}  // namespace

ExperimentContext make_context(const RunRequest& request) {
  ExperimentContext ctx;
  ctx.source = ExperimentSource{request.config_path, request.overrides};
  ctx.root = ctx.source.load();
  {
    config::StrictTable strict(ctx.root, ctx.source.file());
    ctx.header = read_header(strict, default_name(request.config_path));
  }
  ctx.output_path = request.output ? *request.output : std::filesystem::path("out") / (ctx.header.name + ".h5");
  ctx.command_line = request.command_line;
  ctx.validate_only = request.validate_only;
  ctx.show_progress = request.show_progress;
  return ctx;
}

int run_experiment(const RunRequest& request) {
  const ExperimentContext ctx = make_context(request);
  if (ctx.header.kind == "kernel-ab") return ab::run_kernel_ab_experiment(ctx);
  if (ctx.header.kind == "capacity") return run_capacity_experiment(ctx);

  // Everything is parsed and checked, for every sweep point, before the first run starts.
  const SimulationPlan plan = plan_simulation(ctx.source, default_name(request.config_path));
  if (ctx.validate_only) {
    std::printf("ok: %s: %s experiment, %zu run%s\n", ctx.source.file().c_str(), ctx.header.kind.c_str(),
                plan.runs.size(), plan.runs.size() == 1 ? "" : "s");
    for (const auto& run : plan.runs) {
      if (!run.label.empty()) std::printf("  %04zu  %s\n", run.index, run.label.c_str());
    }
    return 0;
  }
  return run_simulation(plan, ctx);
}

}  // namespace moelab::lab
