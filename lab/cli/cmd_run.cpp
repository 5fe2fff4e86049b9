// `moelab run CONFIG [-o OUT.h5] [--set key=value ...] [-j N] [--resume] [--partial-dir DIR] [--quiet]`
// Under `mpirun -np N moelab run ...` the ranks share the sweep's points (lab/parallel/).
#include <memory>

#include "lab/cli/command.hpp"
#include "lab/progress/progress.hpp"
#include "lab/runner/run_experiment.hpp"

namespace moelab::cli {

void add_run_command(CLI::App& app, CliState& state) {
  auto request = std::make_shared<lab::RunRequest>();
  auto output = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand("run", "Run an experiment and write its HDF5 results");
  sub->add_option("config", request->config_path, "Experiment file (TOML)")->required();
  sub->add_option("-o,--output", *output, "Result file (default: out/<experiment name>.h5)");
  sub->add_option("--set", request->overrides, "Override a config key, e.g. --set engine.max_num_seqs=128 (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("-j,--jobs", request->jobs,
                  "Worker threads computing sweep points (per rank under mpirun); results do not depend on it")
      ->capture_default_str();
  sub->add_flag("--resume", request->resume,
                "Continue an interrupted run: reuse the points it finished (kept in OUT.h5.partial/)");
  auto partial_dir = std::make_shared<std::string>();
  sub->add_option("--partial-dir", *partial_dir,
                  "Where finished points wait until the result file is written (default: OUT.h5.partial)");
  auto quiet = std::make_shared<bool>(false);
  sub->add_flag("-q,--quiet", *quiet, "No progress on stderr (warnings and errors still)");
  sub->callback([&state, request, output, partial_dir, quiet] {
    if (!output->empty()) request->output = *output;
    if (!partial_dir->empty()) request->partial_dir = *partial_dir;
    request->command_line = state.command_line;
    request->progress = lab::progress_style(*quiet);
    state.action = [request] { return lab::run_experiment(*request); };
  });
}

}  // namespace moelab::cli
