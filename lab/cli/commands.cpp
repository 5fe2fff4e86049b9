// The one place subcommands are registered: adding one is a file (cmd_<name>.cpp), its
// add_<name>_command declaration in command.hpp and one line here.
#include "lab/cli/command.hpp"

namespace moelab::cli {

void add_commands(CLI::App& app, CliState& state) {
  add_run_command(app, state);
  add_validate_command(app, state);
  add_list_command(app, state);
  add_ab_command(app, state);
}

}  // namespace moelab::cli
