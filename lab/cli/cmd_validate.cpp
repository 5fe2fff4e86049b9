// `moelab validate CONFIG [--set key=value ...]`: every check `run` makes, nothing run or written.
#include <memory>

#include "lab/cli/command.hpp"
#include "lab/runner/run_experiment.hpp"

namespace moelab::cli {

void add_validate_command(CLI::App& app, CliState& state) {
  auto request = std::make_shared<lab::RunRequest>();
  CLI::App* sub = app.add_subcommand("validate", "Check an experiment file (and its sweep points) without running it");
  sub->add_option("config", request->config_path, "Experiment file (TOML)")->required();
  sub->add_option("--set", request->overrides, "Override a config key, e.g. --set engine.max_num_seqs=128 (repeatable)")
      ->allow_extra_args(false);
  sub->callback([&state, request] {
    request->command_line = state.command_line;
    request->validate_only = true;
    state.action = [request] { return lab::run_experiment(*request); };
  });
}

}  // namespace moelab::cli
