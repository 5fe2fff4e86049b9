// The one place subcommands are registered: adding one is a file plus one line here.
#include "lab/cli/command.hpp"

namespace moelab::cli {

void add_commands(CLI::App& app, CliState& state) {
  add_run_command(app, state);
  add_validate_command(app, state);
  add_list_command(app, state);
  add_ab_command(app, state);
}

}  // namespace moelab::cli
