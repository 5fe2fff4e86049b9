#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <string_view>

#include "base/input_error.hpp"
#include "lab/cli/command.hpp"
#include "lab/h5/interrupt_cleanup.hpp"
#include "lab/h5/writer.hpp"
#include "lab/runner/run_experiment.hpp"
#include "moelab_build_info.hpp"

namespace moelab::cli {
namespace {

std::string version_text() {
  return fmt::format(
      "moelab {} (git {})\nCUDA kernels: {}\nKokkos kernels: {}\nMPI sweeps: {}\n", build_info::version,
      build_info::git_commit,
      build_info::have_cuda ? "built (libmoelab_kernels_cuda.so, opened when a cuda variant is used)" : "not built",
      build_info::have_kokkos ? "built" : "not built", build_info::have_mpi ? "built" : "not built");
}

bool is_plain_shell_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("_-./=:,+@%^").find(c) != std::string_view::npos;
}

// Everything printed must have reached standard output: a full disk or a closed pipe behind it
// is an error (exit 3), not a silent loss of the summary.
int check_stdout(int status) {
  std::cout.flush();
  errno = 0;
  const bool failed = std::fflush(stdout) != 0 || std::ferror(stdout) != 0 || std::cout.fail();
  if (!failed) return status;
  const int e = errno;
  std::fprintf(stderr, "moelab: error: cannot write to standard output%s%s\n", e != 0 ? ": " : "",
               e != 0 ? std::strerror(e) : "");
  return status == 0 ? 3 : status;
}

int run_action(const std::function<int()>& action) {
  try {
    return action();
  } catch (const InputError& e) {
    std::fflush(stdout);
    // Several problems (every unknown key of a file) come one per line, each a complete message.
    std::string_view text = e.what();
    while (!text.empty()) {
      const auto end = std::min(text.find('\n'), text.size());
      std::fprintf(stderr, "moelab: error: %.*s\n", static_cast<int>(end), text.data());
      text.remove_prefix(std::min(end + 1, text.size()));
    }
    return 2;
  } catch (const lab::RunFailed& e) {
    std::fflush(stdout);
    if (e.storage()) {
      std::fprintf(stderr, "moelab: error: cannot write the results: %s\n", e.what());
      return 3;
    }
    std::fprintf(stderr, "moelab: error: %s\n", e.what());
    return 1;
  } catch (const h5::WriteError& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "moelab: error: cannot write the results: %s\n", e.what());
    return 3;
  } catch (const std::bad_alloc&) {
    std::fflush(stdout);
    std::fprintf(stderr, "moelab: error: out of memory\n");
    return 3;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "moelab: internal error: %s\n", e.what());
    return 1;
  }
}

}  // namespace

std::string shell_join(int argc, const char* const* argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i > 0) out += ' ';
    const bool plain = !arg.empty() && std::all_of(arg.begin(), arg.end(), is_plain_shell_char);
    if (plain) {
      out += arg;
      continue;
    }
    out += '\'';
    for (char c : arg) {
      if (c == '\'') {
        out += "'\\''";
      } else {
        out += c;
      }
    }
    out += '\'';
  }
  return out;
}

int run_cli(int argc, char** argv) {
  h5::install_interrupt_handlers();
  CLI::App app{"moelab: simulate LLM serving, A/B test kernels, write HDF5 for analysis", "moelab"};
  CliState state;
  state.command_line = shell_join(argc, argv);
  bool show_version = false;
  app.add_flag("--version", show_version, "Print the version, git commit and which kernel backends were built");
  app.require_subcommand(0, 1);
  add_commands(app, state);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return check_stdout(app.exit(e));  // --help
    std::fprintf(stderr, "moelab: error: %s (see 'moelab --help')\n", e.what());
    return 2;
  }
  if (show_version) {
    std::fputs(version_text().c_str(), stdout);
    return check_stdout(0);
  }
  if (!state.action) {
    std::fprintf(stderr, "moelab: error: a command is required: run, validate, list, ... (see 'moelab --help')\n");
    return 2;
  }
  return check_stdout(run_action(state.action));
}

}  // namespace moelab::cli
