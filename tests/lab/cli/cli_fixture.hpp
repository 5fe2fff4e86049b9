#pragma once
// Runs the real `moelab` binary in a scratch directory and captures exit status, stdout, stderr.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/paths.hpp"

namespace moelab::test {

struct CliResult {
  int status = -1;
  std::string out;
  std::string err;
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class Scratch {
 public:
  explicit Scratch(const std::string& tag) {
    static int counter = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("moelab_cli_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~Scratch() { std::filesystem::remove_all(dir_); }
  const std::filesystem::path& dir() const { return dir_; }

  std::filesystem::path write(const std::string& name, const std::string& text) const {
    const auto p = dir_ / name;
    std::ofstream(p) << text;
    return p;
  }

  // `moelab ARGS...` with the scratch directory as working directory.
  CliResult moelab(const std::vector<std::string>& args) const {
    std::string cmd = "cd " + shell_quote(dir_.string()) + " && " + shell_quote(MOELAB_EXE);
    for (const auto& a : args) cmd += " " + shell_quote(a);
    return shell(cmd);
  }

  CliResult shell(const std::string& command) const {
    const auto out = dir_ / ".stdout";
    const auto err = dir_ / ".stderr";
    const std::string cmd = "(" + command + ") >" + shell_quote(out.string()) + " 2>" + shell_quote(err.string());
    const int raw = std::system(cmd.c_str());
    CliResult r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    r.out = read_text(out);
    r.err = read_text(err);
    std::filesystem::remove(out);
    std::filesystem::remove(err);
    return r;
  }

  // Files in the scratch directory (recursively), except the given config files.
  std::vector<std::string> files_other_than(const std::vector<std::string>& keep) const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir_)) {
      if (!e.is_regular_file()) continue;
      const auto rel = std::filesystem::relative(e.path(), dir_).string();
      if (std::find(keep.begin(), keep.end(), rel) == keep.end()) out.push_back(rel);
    }
    return out;
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace moelab::test
