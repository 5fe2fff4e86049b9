// `moelab`: see lab/cli/ (one file per subcommand) and `moelab --help`.
#include "lab/cli/command.hpp"

int main(int argc, char** argv) { return moelab::cli::run_cli(argc, argv); }
