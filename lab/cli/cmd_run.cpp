// `moelab run CONFIG [-o OUT.h5] [--set key=value ...]`
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
  sub->callback([&state, request, output] {
    if (!output->empty()) request->output = *output;
    request->command_line = state.command_line;
    request->show_progress = lab::Progress::stderr_is_terminal();
    state.action = [request] { return lab::run_experiment(*request); };
  });
}

}  // namespace moelab::cli
