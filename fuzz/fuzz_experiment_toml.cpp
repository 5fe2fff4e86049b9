// Fuzz target: an experiment file, read and checked as `moelab validate` does (every sweep
// point planned, data files and traces read, kernel A/B cases sized). Seeds: experiments/,
// data/ (fuzz/corpus/README.md).
#include <cstdio>

#include "base/input_error.hpp"
#include "fuzz/fuzz_support.hpp"
#include "lab/config/strict_toml.hpp"
#include "lab/experiment/sweep.hpp"
#include "lab/runner/run_experiment.hpp"

namespace {

// Configs name traces relative to their directory (experiments/seed/../../data/traces/...): the
// scratch directory mirrors that layout with small copies of the traces.
std::filesystem::path config_path() {
  static const std::filesystem::path path = [] {
    const auto& dir = moelab::fuzz::scratch_dir();
    for (const char* trace : {"mooncake_conversation.jsonl", "mooncake_conversation_first50.csv"}) {
      const auto from = moelab::fuzz::source_dir() / "fuzz/corpus/traces" / trace;
      std::filesystem::create_directories(dir / "data/traces");
      std::filesystem::copy_file(from, dir / "data/traces" / trace, std::filesystem::copy_options::overwrite_existing);
    }
    std::filesystem::create_directories(dir / "experiments/seed");
    return dir / "experiments/seed/fuzz.toml";
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  moelab::lab::RunRequest request;
  request.config_path = moelab::fuzz::write_input(config_path(), moelab::fuzz::as_text(data, size));
  request.validate_only = true;
  try {
    // Every sweep point is planned (about a millisecond each): a valid sweep of thousands of
    // points is slow by design, not a hang, so the fuzzer plans at most 64 points.
    const auto root = moelab::config::parse_file(request.config_path);
    double points = 1;
    for (const auto& axis : moelab::lab::read_sweep(root, request.config_path.string())) points *= axis.values.size();
    if (points > 64) return 0;
    moelab::lab::run_experiment(request);
  } catch (const moelab::InputError&) {
    // Bad input, reported: the expected outcome for most inputs.
  }
  return 0;
}
