#pragma once
// Shared by the lab's config tests: a scratch folder for experiment files, and the message a
// planned experiment is rejected with.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "base/input_error.hpp"
#include "lab/experiment/simulation_plan.hpp"

namespace moelab::test {

// A folder under the system temp dir, named after the suite and the process, removed at the end.
struct ScratchConfigDir {
  std::filesystem::path path;
  explicit ScratchConfigDir(const std::string& suite)
      : path(std::filesystem::temp_directory_path() / ("moelab_" + suite + "_" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(path);
  }
  ~ScratchConfigDir() { std::filesystem::remove_all(path); }
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return path / name;
  }
};

// The InputError text planning `file` throws, or "" when it plans.
inline std::string plan_error_of(const std::filesystem::path& file) {
  try {
    lab::plan_simulation({file, {}}, "x");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace moelab::test
