// Fuzz target: `--set key=value` overrides (one per input line) applied to
// experiments/quickstart.toml, then checked as `moelab validate --set ...` does.
#include <sstream>

#include "base/input_error.hpp"
#include "fuzz/fuzz_support.hpp"
#include "lab/experiment/sweep.hpp"
#include "lab/runner/run_experiment.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  moelab::lab::RunRequest request;
  request.config_path = moelab::fuzz::source_dir() / "experiments/quickstart.toml";
  request.validate_only = true;
  std::istringstream lines{std::string(moelab::fuzz::as_text(data, size))};
  for (std::string line; std::getline(lines, line);) request.overrides.push_back(line);
  try {
    // As fuzz_experiment_toml: at most 64 sweep points are planned per input.
    moelab::lab::ExperimentSource source{request.config_path, request.overrides};
    double points = 1;
    for (const auto& axis : moelab::lab::read_sweep(source.load(), source.file())) points *= axis.values.size();
    if (points > 64) return 0;
    moelab::lab::run_experiment(request);
  } catch (const moelab::InputError&) {}
  return 0;
}
