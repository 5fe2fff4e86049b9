#include "lab/runner/run_experiment.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cstdio>

#include "lab/ab/ab_experiment.hpp"              // kind = "kernel-ab": moelab::ab::run_kernel_ab_experiment
#include "lab/capacity/capacity_experiment.hpp"  // kind = "capacity": run_capacity_experiment
#include "lab/experiment/simulation_plan.hpp"
#include "lab/h5/writer.hpp"
#include "lab/parallel/mpi_session.hpp"
#include "lab/runner/partial_store.hpp"
#include "lab/runner/simulate_point.hpp"
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

// An MPI rank other than 0: plan the sweep's outline, then compute the points rank 0 hands out.
// Each point is planned here from the same file and checked against rank 0's key for it, so
// ranks that see different files (configs, data, traces) fail loudly instead of mixing results.
int serve_as_worker(const RunRequest& request, MpiSession& session) {
  ExperimentContext ctx;
  SimulationPlan outline;
  session.serve(
      [&]() -> MpiSession::WorkerTask {
        ctx = make_context(request);
        if (ctx.header.kind != "simulation") {
          throw InputError({ctx.source.file(), 0, 0}, "experiment.kind", "only simulation sweeps run over MPI ranks");
        }
        outline = plan_outline(ctx.source, default_name(request.config_path));
        return [&](std::size_t index, const std::string& expected_key, std::atomic<double>& fraction) {
          const PlannedRun run = plan_point(ctx.source, outline, index);
          if (point_key(run) != expected_key) {
            throw std::runtime_error(fmt::format(
                "point {} planned here differs from rank 0's (key {} vs {}): the ranks read different experiment "
                "or data files, or run different moelab builds",
                index, point_key(run), expected_key));
          }
          return encode_point(simulate_point(run, [&](double f) { fraction = f; }));
        };
      },
      request.jobs);
  return 0;
}

}  // namespace

ExperimentContext make_context(const RunRequest& request) {
  ExperimentContext ctx;
  ctx.source = ExperimentSource{request.config_path, request.overrides};
  ctx.root = ctx.source.load();
  {
    config::StrictTable strict(ctx.root, ctx.source.file());
    strict.collect_unknown_keys();
    ctx.header = read_header(strict, default_name(request.config_path));
    // A simulation reports unknown [experiment] keys together with the rest of the file's (when
    // its points are read); other kinds read [experiment] only here.
    if (ctx.header.kind != "simulation") {
      for (const auto& [k, v] : ctx.root) strict.mark_read(k.str());
      strict.finish();
    }
  }
  ctx.output_path = request.output ? *request.output : std::filesystem::path("out") / (ctx.header.name + ".h5");
  // A directory, link, device or the config itself as output: said now, not after simulating.
  if (!request.validate_only) h5::check_output_path(ctx.output_path);
  ctx.command_line = request.command_line;
  ctx.validate_only = request.validate_only;
  ctx.progress = request.progress;
  ctx.jobs = request.jobs;
  ctx.resume = request.resume;
  ctx.partial_dir =
      request.partial_dir ? *request.partial_dir : std::filesystem::path(ctx.output_path.string() + ".partial");
  return ctx;
}

int run_experiment(const RunRequest& request) {
  if (request.jobs == 0) throw InputError({"-j", 0, 0}, "", "the number of workers must be >= 1");
  // MPI starts first when mpirun started us, so that every later failure reaches all ranks.
  std::optional<MpiSession> session;
  if (!request.validate_only) session.emplace();
  if (session && session->is_worker()) return serve_as_worker(request, *session);
  // The other ranks (none without mpirun): told to stop however this function ends.
  const std::unique_ptr<RemoteWorkers> workers = session ? session->workers() : nullptr;

  const ExperimentContext ctx = make_context(request);
  if (ctx.header.kind == "kernel-ab" || ctx.header.kind == "capacity") {
    if (workers)
      throw InputError({ctx.source.file(), 0, 0}, "experiment.kind",
                       fmt::format("a {} experiment runs in one process: start it without mpirun", ctx.header.kind));
    if (ctx.header.kind == "capacity") return run_capacity_experiment(ctx);
    return ab::run_kernel_ab_experiment(ctx);
  }

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
  return run_simulation(plan, ctx, workers.get());
}

}  // namespace moelab::lab
