#pragma once
// The `moelab` command line: one file per subcommand (cmd_run.cpp, cmd_validate.cpp, cmd_list.cpp,
// ...), each exposing an add_*_command() that commands.cpp registers. A subcommand's callback only
// stores the work in CliState::action; it runs after parsing, so errors map to exit codes in one place.
#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace moelab::cli {

struct CliState {
  std::string command_line;     // argv joined with shell quoting (HDF5 provenance)
  std::function<int()> action;  // set by the chosen subcommand; returns the exit status
};

// Every subcommand, in the order `moelab --help` lists them (lab/cli/commands.cpp).
void add_commands(CLI::App& app, CliState& state);

void add_run_command(CLI::App& app, CliState& state);
void add_validate_command(CLI::App& app, CliState& state);
void add_list_command(CLI::App& app, CliState& state);
void add_ab_command(CLI::App& app, CliState& state);  // lab/cli/cmd_ab.cpp

// The whole CLI: exit 0 success, 2 bad input (InputError, parse errors), 1 internal error.
int run_cli(int argc, char** argv);

// argv joined with POSIX shell quoting, so the line can be pasted back into a shell.
std::string shell_join(int argc, const char* const* argv);

}  // namespace moelab::cli
