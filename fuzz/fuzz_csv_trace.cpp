// Fuzz target: the Vidur-style CSV trace reader (simulator/workload/csv_trace.cpp).
#include "base/input_error.hpp"
#include "fuzz/fuzz_support.hpp"
#include "simulator/workload/trace_data.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path =
      moelab::fuzz::write_input(moelab::fuzz::scratch_dir() / "trace.csv", moelab::fuzz::as_text(data, size));
  try {
    const auto trace = moelab::sim::load_csv_trace(path);
    if (trace.size() == 0 || trace.prompt_tokens.size() != trace.size()) __builtin_trap();
  } catch (const moelab::InputError&) {}
  return 0;
}
